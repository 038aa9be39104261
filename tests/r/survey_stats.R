# Reference values for the survey stage's statistics functions, computed with R on a seeded fixture.
# Run from the repository root:   Rscript tests/r/survey_stats.R
# Writes tests/r/survey_stats_fixture.csv (the data) and tests/r/survey_stats.json (the values);
# tests/test_survey_stats_r.py recomputes every value in Python and compares to 4 decimals.
# Effect-size CIs that R's stats package does not provide are computed here from the published
# formulas the pipeline documents (effectsize::rank_biserial's Fisher-z SE, Bonett-Wright for rho,
# non-central chi-square inversion as in effectsize), so the point values (ranks, statistics) are R's.
suppressMessages({library(psych); library(ordinal); library(MASS); library(jsonlite)})
set.seed(20260429)
n <- 120
lik <- function(f, shift, load = 0.8) pmin(5, pmax(1, round(3 + shift + load * f + rnorm(length(f)))))
f1 <- rnorm(n); f2 <- rnorm(n)
d <- data.frame(a1 = lik(f1, 0.3), a2 = lik(f1, 0.2), a3 = lik(f1, 0.4), a4 = lik(f1, 0.1),
                b1 = lik(f2, 0), b2 = lik(f2, 0.1), b3 = lik(f2, -0.1))
d$sa <- rowMeans(d[, c("a1", "a2", "a3", "a4")])
d$sb <- rowMeans(d[, c("b1", "b2", "b3")])
d$c1 <- lik(0.5 * f1 + 0.5 * f2, 0.3)
d$grp <- sample(1:3, n, replace = TRUE)
d$bin <- sample(0:1, n, replace = TRUE)
d$share <- sample(0:100, n, replace = TRUE)
d$yrs <- sample(0:20, n, replace = TRUE)
d$cont_x <- round(rnorm(n, 0.4), 3)        # continuous, no ties: exact tests
d$cont_y <- round(rnorm(n), 3)
write.csv(d, "tests/r/survey_stats_fixture.csv", row.names = FALSE)
# compute on the values as stored (write.csv keeps 15 significant digits), exactly what Python reads:
# rank ties of differences of scale means depend on the last bits of the doubles
d <- read.csv("tests/r/survey_stats_fixture.csv")

out <- list()
z975 <- qnorm(0.975)
fisher_ci <- function(r, se) tanh(atanh(r) + c(-1, 1) * z975 * se)
rb_paired <- function(x) {  # matched rank-biserial r with effectsize's SE
  x <- x[x != 0]; nd <- length(x); rk <- rank(signif(abs(x), 10)); S <- nd * (nd + 1) / 2
  r <- (sum(rk[x > 0]) - sum(rk[x < 0])) / S
  se <- sqrt((2 * nd^3 + 3 * nd^2 + nd) / 6) / S
  c(r, fisher_ci(r, se))
}
rb_indep <- function(W, n1, n2) { r <- 2 * W / (n1 * n2) - 1; c(r, fisher_ci(r, sqrt((n1 + n2 + 1) / (3 * n1 * n2)))) }
ncp_ci <- function(chi, df, level = 0.95) {
  a <- (1 - level) / 2
  solve <- function(target) {
    f <- function(ncp) pchisq(chi, df, ncp) - target
    if (f(0) <= 0) return(0)
    hi <- max(chi, 1); while (f(hi) > 0) hi <- hi * 2
    uniroot(f, c(0, hi), tol = 1e-12)$root
  }
  c(solve(1 - a), solve(a))
}
rec <- function(name, ...) out[[name]] <<- list(...)

# Wilcoxon signed rank, normal approximation with continuity correction (pipeline default)
for (alt in c("two.sided", "greater", "less")) {
  w <- wilcox.test(d$sb, mu = 3, exact = FALSE, correct = TRUE, alternative = alt, digits.rank = 10)
  e <- rb_paired(d$sb - 3)
  rec(paste0("wilcoxon_one_sample_", alt), statistic = unname(w$statistic), p = w$p.value,
      effect = e[1], ci_low = e[2], ci_high = e[3])
  w <- wilcox.test(d$sa, d$sb, paired = TRUE, exact = FALSE, correct = TRUE, alternative = alt, digits.rank = 10)
  e <- rb_paired(d$sa - d$sb)
  rec(paste0("wilcoxon_paired_", alt), statistic = unname(w$statistic), p = w$p.value,
      effect = e[1], ci_low = e[2], ci_high = e[3])
}
# exact signed rank (R's default for n < 50 without ties)
w <- wilcox.test(d$cont_x[1:30], d$cont_y[1:30], paired = TRUE, alternative = "greater", digits.rank = 10)
e <- rb_paired(d$cont_x[1:30] - d$cont_y[1:30])
rec("wilcoxon_paired_exact_greater", statistic = unname(w$statistic), p = w$p.value, effect = e[1], ci_low = e[2], ci_high = e[3])
w <- wilcox.test(d$cont_x[1:25], mu = 0.2, digits.rank = 10)
rec("wilcoxon_one_sample_exact_two.sided", statistic = unname(w$statistic), p = w$p.value)
# Mann-Whitney
for (alt in c("two.sided", "greater", "less")) {
  x <- d$sa[d$bin == 1]; y <- d$sa[d$bin == 0]
  w <- wilcox.test(x, y, exact = FALSE, correct = TRUE, alternative = alt)
  e <- rb_indep(unname(w$statistic), length(x), length(y))
  rec(paste0("mann_whitney_", alt), statistic = unname(w$statistic), p = w$p.value, effect = e[1], ci_low = e[2], ci_high = e[3])
}
x <- d$cont_x[1:20]; y <- d$cont_y[21:38]
w <- wilcox.test(x, y, alternative = "greater")
rec("mann_whitney_exact_greater", statistic = unname(w$statistic), p = w$p.value)
# Kruskal-Wallis, epsilon squared = H / (n - 1)
k <- kruskal.test(d$sa, factor(d$grp)); ci <- ncp_ci(unname(k$statistic), 2)
rec("kruskal_wallis", statistic = unname(k$statistic), df = unname(k$parameter), p = k$p.value,
    effect = unname(k$statistic) / (n - 1), ci_low = min(ci[1] / (n - 1), 1), ci_high = min(ci[2] / (n - 1), 1))
# Friedman, Kendall's W = X2 / (n (k - 1))
m <- as.matrix(d[, c("a1", "b1", "c1")])
fr <- friedman.test(m); ci <- ncp_ci(unname(fr$statistic), 2)
rec("friedman", statistic = unname(fr$statistic), df = unname(fr$parameter), p = fr$p.value,
    effect = unname(fr$statistic) / (n * 2), ci_low = min(ci[1] / (n * 2), 1), ci_high = min(ci[2] / (n * 2), 1))
# Binomial
ks <- sum(d$sa > 3)
for (alt in c("two.sided", "greater", "less")) {
  b <- binom.test(ks, n, 0.5, alternative = alt); ci <- binom.test(ks, n)$conf.int
  rec(paste0("binomial_", alt), statistic = unname(b$statistic), p = b$p.value, effect = ks / n, ci_low = ci[1], ci_high = ci[2])
}
b <- binom.test(7, 40, 0.3, alternative = "two.sided"); ci <- binom.test(7, 40)$conf.int
rec("binomial_small_two.sided", statistic = 7, p = b$p.value, effect = 7 / 40, ci_low = ci[1], ci_high = ci[2])
# Chi-square: 2 x 2 (Yates), 2 x 3, goodness of fit; Cramér's V / Cohen's w with ncp CI
for (nm in c("2x2", "2x3")) {
  tab <- if (nm == "2x2") table(d$bin, d$sa > 3) else table(d$bin, d$grp)
  # test with Yates' correction (2 x 2); Cramér's V from the uncorrected statistic (as effectsize::cramers_v)
  ct <- chisq.test(tab, correct = TRUE); cu <- unname(chisq.test(tab, correct = FALSE)$statistic)
  ci <- ncp_ci(cu, unname(ct$parameter)); mm <- min(dim(tab)) - 1
  rec(paste0("chisq_independence_", nm), statistic = unname(ct$statistic), df = unname(ct$parameter), p = ct$p.value,
      effect = sqrt(cu / (n * mm)), ci_low = min(sqrt(ci[1] / (n * mm)), 1), ci_high = min(sqrt(ci[2] / (n * mm)), 1))
}
counts <- as.vector(table(factor(d$c1, levels = 1:5))); pr <- c(0.1, 0.2, 0.3, 0.25, 0.15)
g <- chisq.test(counts, p = pr); ci <- ncp_ci(unname(g$statistic), 4)
rec("chisq_gof", counts = counts, expected = pr, statistic = unname(g$statistic), df = 4, p = g$p.value,
    effect = sqrt(unname(g$statistic) / n), ci_low = sqrt(ci[1] / n), ci_high = sqrt(ci[2] / n))
# Spearman (t approximation), Bonett-Wright CI
for (alt in c("two.sided", "greater", "less")) {
  s <- suppressWarnings(cor.test(d$sa, d$c1, method = "spearman", exact = FALSE, alternative = alt))
  r <- unname(s$estimate); ci <- fisher_ci(r, sqrt((1 + r^2 / 2) / (n - 3)))
  rec(paste0("spearman_", alt), statistic = unname(s$statistic), p = s$p.value, effect = r, ci_low = ci[1], ci_high = ci[2])
}
# Ordinal logistic regression (clm; polr agrees to 1e-5 on the SEs, its Hessian is numerical)
fit <- clm(factor(sa, ordered = TRUE) ~ share + yrs + sb, data = d)
cs <- coef(summary(fit))[c("share", "yrs", "sb"), ]
ci <- exp(confint.default(fit)[c("share", "yrs", "sb"), ])
rec("ordinal_logit", terms = c("share", "yrs", "sb"), coef = unname(cs[, 1]), se = unname(cs[, 2]),
    z = unname(cs[, 3]), p = unname(cs[, 4]), or = exp(unname(cs[, 1])), or_low = unname(ci[, 1]), or_high = unname(ci[, 2]),
    loglik = as.numeric(logLik(fit)))
fit2 <- polr(factor(sa, ordered = TRUE) ~ share + yrs + sb, data = d, Hess = TRUE)
rec("ordinal_logit_polr", coef = unname(coef(fit2)[c("share", "yrs", "sb")]))
# p.adjust
pv <- c(0.001, 0.012, 0.03, 0.04, 0.2, NA)
for (meth in c("holm", "hochberg", "bonferroni", "BH", "BY")) rec(paste0("p_adjust_", meth), p = pv, adjusted = p.adjust(pv, meth))
# Reliability: psych::alpha (Feldt CI) and psych::omega(nfactors = 1)
for (sc in list(c("a1", "a2", "a3", "a4"), c("b1", "b2", "b3"))) {
  a <- alpha(d[, sc], warnings = FALSE)
  o <- suppressWarnings(suppressMessages(omega(d[, sc], nfactors = 1, plot = FALSE)))
  rec(paste0("reliability_", paste(sc, collapse = "_")), items = sc, alpha = a$total$raw_alpha,
      ci_low = a$feldt$lower.ci[[1]], ci_high = a$feldt$upper.ci[[1]], omega_total = o$omega.tot,
      alpha_if_dropped = unname(a$alpha.drop$raw_alpha), r_drop = unname(a$item.stats$r.drop))
}
out[["_meta"]] <- list(R = R.version.string, psych = as.character(packageVersion("psych")),
                       ordinal = as.character(packageVersion("ordinal")), MASS = as.character(packageVersion("MASS")))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"), "tests/r/survey_stats.json")
cat("wrote tests/r/survey_stats.json\n")
