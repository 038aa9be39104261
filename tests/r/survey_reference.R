# Independent R implementation of the survey stage's reliability and hypothesis tests for the
# default wave, driven by the same config files. Run from the repository root after the pipeline:
#   Rscript tests/r/survey_reference.R [scored.csv] [config/analysis.yaml] [config/codebook.yaml] [out.json]
# Defaults: data/processed/survey/wave1/scored.csv, config/analysis.yaml, config/codebook.yaml,
# tests/r/survey_reference.json. tests/test_survey_reference_r.py rebuilds scored.csv from the raw
# export, checks its md5 against the one recorded here and compares every number to 4 decimals.
#
# R functions used: psych::alpha (raw_alpha, Feldt CI, alpha.drop, r.drop), psych::omega(nfactors = 1)
# (omega.tot), wilcox.test(exact = FALSE, correct = TRUE), friedman.test, binom.test, chisq.test,
# cor.test(method = "spearman", exact = FALSE), kruskal.test, ordinal::clm (+ confint.default), p.adjust.
# Effect-size CIs that base R lacks use the documented formulas (see tests/r/survey_stats.R).
suppressMessages({library(psych); library(ordinal); library(yaml); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
arg <- function(i, default) if (length(args) >= i) args[[i]] else default
scored_path <- arg(1, "data/processed/survey/wave1/scored.csv")
# YAML 1.1 reads a bare y / n as a boolean; keep them as strings (the variables role 'y')
keep_yn <- list("bool#yes" = function(x) if (x %in% c("y", "Y")) x else TRUE,
                "bool#no" = function(x) if (x %in% c("n", "N")) x else FALSE)
plan <- read_yaml(arg(2, "config/analysis.yaml"), handlers = keep_yn)
cb <- read_yaml(arg(3, "config/codebook.yaml"))
out_path <- arg(4, "tests/r/survey_reference.json")
d <- read.csv(scored_path, stringsAsFactors = FALSE)

defaults <- modifyList(list(alpha = 0.05, ci_level = 0.95, correction = "none"), if (is.null(plan$defaults)) list() else plan$defaults)
level <- defaults$ci_level
zq <- qnorm(1 - (1 - level) / 2)
items <- setNames(cb$items, vapply(cb$items, function(i) i$id, ""))
scale_item <- function(var) if (!is.null(cb$constructs[[var]])) cb$constructs[[var]]$items[[1]] else var
resolve <- function(value, var) {
  if (is.numeric(value)) return(value)
  sc <- cb$response_scales[[items[[scale_item(var)]]$scale]]
  codes <- unlist(sc$codes)
  if (tolower(value) == "midpoint") return((min(codes) + max(codes)) / 2)
  codes[match(tolower(trimws(value)), tolower(unlist(sc$labels)))]
}
fisher_ci <- function(r, se) tanh(atanh(r) + c(-1, 1) * zq * se)
rb_paired <- function(x) {
  x <- x[x != 0]; nd <- length(x); rk <- rank(signif(abs(x), 10)); S <- nd * (nd + 1) / 2
  r <- (sum(rk[x > 0]) - sum(rk[x < 0])) / S
  c(r, fisher_ci(r, sqrt((2 * nd^3 + 3 * nd^2 + nd) / 6) / S))
}
ncp_ci <- function(chi, df) {
  a <- (1 - level) / 2
  solve <- function(target) {
    f <- function(ncp) pchisq(chi, df, ncp) - target
    if (f(0) <= 0) return(0)
    hi <- max(chi, 1); while (f(hi) > 0) hi <- hi * 2
    uniroot(f, c(0, hi), tol = 1e-12)$root
  }
  c(solve(1 - a), solve(a))
}
ralt <- function(a) if (a == "two-sided") "two.sided" else a
opposite <- function(a) c(greater = "less", less = "greater")[[a]]
row <- function(stat, df, p, p_opp, sign, es_name, es, lo, hi, n)
  list(statistic = stat, df = df, p = p, p_opposite = p_opp, sign = sign, effect_size_name = es_name,
       effect_size = es, ci_low = lo, ci_high = hi, n = n)

run <- function(h) {
  v <- h$variables; alt <- if (is.null(h$alternative)) "two-sided" else h$alternative
  one_sided <- alt != "two-sided"
  signed_rank <- function(dd) {
    dd <- dd[!is.na(dd)]
    w <- wilcox.test(dd, exact = FALSE, correct = TRUE, alternative = ralt(alt), digits.rank = 10)
    po <- if (one_sided) wilcox.test(dd, exact = FALSE, correct = TRUE, alternative = opposite(alt), digits.rank = 10)$p.value else NA
    e <- rb_paired(dd)
    row(unname(w$statistic), NA, w$p.value, po, sign(e[1]), "r_rank_biserial", e[1], e[2], e[3], length(dd))
  }
  switch(h$test,
    wilcoxon_one_sample = signed_rank(d[[v$x]] - resolve(h$mu, v$x)),
    wilcoxon_paired = { ok <- !is.na(d[[v$x]]) & !is.na(d[[v$y]]); signed_rank(d[[v$x]][ok] - d[[v$y]][ok]) },
    friedman = {
      m <- na.omit(as.matrix(d[, unlist(v$within)])); n <- nrow(m); k <- ncol(m)
      fr <- friedman.test(m); chi <- unname(fr$statistic); ci <- ncp_ci(chi, k - 1)
      row(chi, k - 1, fr$p.value, NA, 0, "kendall_w", chi / (n * (k - 1)), min(ci[1] / (n * (k - 1)), 1),
          min(ci[2] / (n * (k - 1)), 1), n)
    },
    binomial = {
      x <- d[[v$x]]; x <- x[!is.na(x)]; s <- h$success
      val <- vapply(if (is.list(s$value)) s$value else list(s$value), function(z) resolve(z, v$x), 0)
      hit <- switch(s$op, eq = x == val, ne = x != val, gt = x > val, ge = x >= val, lt = x < val, le = x <= val,
                    `in` = x %in% val, not_in = !(x %in% val))
      k <- sum(hit); n <- length(x); p0 <- if (is.null(h$p0)) 0.5 else h$p0
      b <- binom.test(k, n, p0, alternative = ralt(alt))
      po <- if (one_sided) binom.test(k, n, p0, alternative = opposite(alt))$p.value else NA
      ci <- binom.test(k, n, conf.level = level)$conf.int
      row(k, NA, b$p.value, po, sign(k / n - p0), "proportion", k / n, ci[1], ci[2], n)
    },
    spearman = {
      ok <- !is.na(d[[v$x]]) & !is.na(d[[v$y]]); x <- d[[v$x]][ok]; y <- d[[v$y]][ok]; n <- length(x)
      s <- suppressWarnings(cor.test(x, y, method = "spearman", exact = FALSE, alternative = ralt(alt)))
      po <- if (one_sided) suppressWarnings(cor.test(x, y, method = "spearman", exact = FALSE, alternative = opposite(alt)))$p.value else NA
      r <- unname(s$estimate); ci <- fisher_ci(r, sqrt((1 + r^2 / 2) / (n - 3)))
      row(unname(s$statistic), NA, s$p.value, po, sign(r), "rho", r, ci[1], ci[2], n)
    },
    kruskal_wallis = {
      ok <- !is.na(d[[v$x]]) & !is.na(d[[v$group]]); n <- sum(ok)
      k <- kruskal.test(d[[v$x]][ok], factor(d[[v$group]][ok])); H <- unname(k$statistic); ci <- ncp_ci(H, k$parameter)
      row(H, unname(k$parameter), k$p.value, NA, 0, "epsilon_squared", H / (n - 1), min(ci[1] / (n - 1), 1), min(ci[2] / (n - 1), 1), n)
    },
    mann_whitney = {
      g <- vapply(h$groups, function(z) resolve(z, v$group), 0)
      x <- d[[v$x]][d[[v$group]] %in% g[1]]; y <- d[[v$x]][d[[v$group]] %in% g[2]]; x <- x[!is.na(x)]; y <- y[!is.na(y)]
      w <- wilcox.test(x, y, exact = FALSE, correct = TRUE, alternative = ralt(alt))
      po <- if (one_sided) wilcox.test(x, y, exact = FALSE, correct = TRUE, alternative = opposite(alt))$p.value else NA
      W <- unname(w$statistic); n1 <- length(x); n2 <- length(y); r <- 2 * W / (n1 * n2) - 1
      ci <- fisher_ci(r, sqrt((n1 + n2 + 1) / (3 * n1 * n2)))
      row(W, NA, w$p.value, po, sign(r), "r_rank_biserial", r, ci[1], ci[2], n1 + n2)
    },
    chisq_independence = {
      ok <- !is.na(d[[v$x]]) & !is.na(d[[v$y]]); tab <- table(d[[v$x]][ok], d[[v$y]][ok]); n <- sum(tab)
      ct <- chisq.test(tab, correct = TRUE); chi <- unname(ct$statistic); df <- unname(ct$parameter); m <- min(dim(tab)) - 1
      cu <- unname(chisq.test(tab, correct = FALSE)$statistic); ci <- ncp_ci(cu, df)  # V from the uncorrected statistic
      row(chi, df, ct$p.value, NA, 0, "cramers_v", sqrt(cu / (n * m)), min(sqrt(ci[1] / (n * m)), 1), min(sqrt(ci[2] / (n * m)), 1), n)
    },
    ordinal_logit = {
      preds <- unlist(v$predictors)
      dd <- na.omit(d[, c(v$outcome, preds)])
      dd$y__ <- factor(dd[[v$outcome]], ordered = TRUE)
      fit <- clm(as.formula(paste("y__ ~", paste(preds, collapse = " + "))), data = dd)
      cs <- coef(summary(fit))[v$term, ]; b <- cs[[1]]; se <- cs[[2]]; z <- b / se
      pz <- function(a) switch(a, greater = pnorm(z, lower.tail = FALSE), less = pnorm(z), two.sided = 2 * pnorm(-abs(z)))
      ci <- exp(confint.default(fit, level = level)[v$term, ])
      row(z, NA, pz(ralt(alt)), if (one_sided) pz(opposite(alt)) else NA, sign(b), "odds_ratio", exp(b), ci[[1]], ci[[2]], nrow(dd))
    },
    stop(paste("test not covered by the R reference:", h$test)))
}

rows <- list(); fams <- list(); combos <- list()
for (h in plan$hypotheses) {
  alt <- if (is.null(h$alternative)) "two-sided" else h$alternative
  dir <- if (!is.null(h$direction)) h$direction else if (alt != "two-sided") alt else "none"
  base <- list(hypothesis = h$id, claim = h$claim, alternative = alt, direction = dir,
               alpha = if (is.null(h$alpha)) defaults$alpha else h$alpha,
               family = if (is.null(h$family)) paste0("__", h$id) else h$family,
               primary = isTRUE(h$primary), test = h$test)
  if (h$test %in% c("all_of", "any_of")) { combos[[h$id]] <- h; rows[[h$id]] <- c(base, list(of = unlist(h$variables$of))); next }
  rows[[h$id]] <- c(base, run(h))
  if (h$test == "friedman" && !is.null(h$posthoc)) {
    w <- unlist(h$variables$within)
    for (pair in combn(w, 2, simplify = FALSE)) {
      id <- paste0(h$id, ".", pair[1], "-", pair[2])
      sub <- list(test = "wilcoxon_paired", variables = list(x = pair[1], y = pair[2]), alternative = "two-sided")
      rows[[id]] <- c(list(hypothesis = id, claim = h$claim, alternative = "two-sided", direction = "none",
                           alpha = base$alpha, family = h$posthoc$family, primary = FALSE, test = "wilcoxon_paired"), run(sub))
    }
  }
}
# corrections within families (opposite-direction p adjusted the same way; two-sided rows give their own p)
tested <- Filter(function(r) !(r$test %in% c("all_of", "any_of")), rows)
famnames <- unique(vapply(tested, function(r) r$family, ""))
for (f in famnames) {
  ids <- names(tested)[vapply(tested, function(r) r$family == f, TRUE)]
  meth <- if (startsWith(f, "__")) "none" else {
    fm <- plan$families[[f]]$correction; if (is.null(fm)) defaults$correction else fm }
  p <- vapply(ids, function(i) rows[[i]]$p, 0)
  po <- vapply(ids, function(i) if (rows[[i]]$alternative == "two-sided") rows[[i]]$p else rows[[i]]$p_opposite, 0)
  pa <- p.adjust(p, meth); poa <- p.adjust(po, meth)
  for (j in seq_along(ids)) {
    rows[[ids[j]]]$p_adjusted <- pa[[j]]
    rows[[ids[j]]]$p_opposite_adjusted <- if (rows[[ids[j]]]$alternative == "two-sided") NA else poa[[j]]
  }
}
verdict <- function(r) {
  if (r$alternative != "two-sided") {
    if (r$p_adjusted < r$alpha) return("supported")
    if (!is.na(r$p_opposite_adjusted) && r$p_opposite_adjusted < r$alpha) return("contradicted")
    return("not supported")
  }
  if (r$p_adjusted >= r$alpha) return("not supported")
  if (r$direction == "none") return("supported")
  want <- if (r$direction == "greater") 1 else -1
  if (r$sign == want) "supported" else if (r$sign == -want) "contradicted" else "not supported"
}
for (i in names(rows)) if (!(rows[[i]]$test %in% c("all_of", "any_of"))) rows[[i]]$verdict <- verdict(rows[[i]])
for (i in names(combos)) {
  comps <- rows[rows[[i]]$of]; vs <- vapply(comps, function(r) r$verdict, ""); ps <- vapply(comps, function(r) r$p_adjusted, 0)
  if (rows[[i]]$test == "all_of") {
    v <- if ("contradicted" %in% vs) "contradicted" else if (all(vs == "supported")) "supported" else "not supported"
    dec <- comps[[which.max(ps)]]; p <- max(ps)
  } else {
    v <- if ("supported" %in% vs && !("contradicted" %in% vs)) "supported" else if ("contradicted" %in% vs && !("supported" %in% vs)) "contradicted" else "not supported"
    dec <- comps[[which.min(ps)]]; p <- min(ps)
  }
  rows[[i]] <- modifyList(rows[[i]], list(p = p, p_adjusted = p, verdict = v, effect_size = dec$effect_size,
                                          ci_low = dec$ci_low, ci_high = dec$ci_high, effect_size_name = dec$effect_size_name,
                                          n = min(vapply(comps, function(r) r$n, 0))))
  rows[[i]]$of <- NULL
}
# reliability of every construct with >= 2 items (complete cases)
rel <- list()
for (name in names(cb$constructs)) {
  its <- unlist(cb$constructs[[name]]$items)
  if (length(its) < 2) next
  x <- na.omit(d[, its])
  a <- alpha(x, warnings = FALSE, check.keys = FALSE)
  om <- if (length(its) >= 3) suppressWarnings(suppressMessages(omega(x, nfactors = 1, plot = FALSE)))$omega.tot else NA
  rel[[name]] <- list(scale = name, n_items = length(its), n = nrow(x), alpha = a$total$raw_alpha,
                      alpha_ci_low = a$feldt$lower.ci[[1]], alpha_ci_high = a$feldt$upper.ci[[1]], omega_total = om,
                      items = its, alpha_if_dropped = unname(a$alpha.drop$raw_alpha), r_drop = unname(a$item.stats$r.drop))
}
res <- list(scored_md5 = unname(tools::md5sum(scored_path)), scored = scored_path,
            hypotheses = unname(rows), reliability = unname(rel),
            versions = list(R = R.version.string, psych = as.character(packageVersion("psych")),
                            ordinal = as.character(packageVersion("ordinal"))))
writeLines(toJSON(res, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"), out_path)
cat("wrote", out_path, "\n")
