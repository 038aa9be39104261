# Full-precision reference values for the volker ChatGPT-adoption survey, computed independently with
# base R and psych from the raw file (not with the volker package, not with the pipeline).
# Run from the repository root (the data stay outside the repository):
#   Rscript tests/r/volker_reference.R [path/to/chatgpt_en.csv]
# default path ../shared/realdata/volker-chatgpt/chatgpt_en.csv. Writes tests/r/volker_reference.json;
# tests/test_realdata_volker.py compares the pipeline's outputs with it to 4 decimals (and with the
# two-decimal values volker publishes in reference_effects.md / reference_idx.md).
suppressMessages({library(psych); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
path <- if (length(args)) args[1] else "../shared/realdata/volker-chatgpt/chatgpt_en.csv"
d <- read.csv2(path, na.strings = c("-9", "[no answer]"), stringsAsFactors = FALSE)
stopifnot(nrow(d) == 101)
items <- grep("^cg_adoption_", names(d), value = TRUE)
group <- function(g) grep(paste0("^cg_adoption_", g, "_"), names(d), value = TRUE)
out <- list(n_raw = nrow(d), file_md5 = unname(tools::md5sum(path)))

rel <- function(cols) {
  x <- d[complete.cases(d[, cols]), cols]
  a <- psych::alpha(x, warnings = FALSE)
  list(n = nrow(x), n_items = length(cols), alpha = a$total$raw_alpha,
       omega_total = suppressMessages(suppressWarnings(psych::omega(x, nfactors = 1, fm = "minres", plot = FALSE)))$omega.tot)
}
out$reliability <- list(adoption = rel(items), advantage = rel(group("advantage")),
                        fearofuse = rel(group("fearofuse")), social = rel(group("social")))

desc <- function(x) {
  x <- x[!is.na(x)]
  q <- quantile(x, c(0.25, 0.5, 0.75), type = 7)
  list(n = length(x), mean = mean(x), sd = sd(x), min = min(x), q1 = q[[1]], median = q[[2]], q3 = q[[3]], max = max(x))
}
idx <- function(cols) rowMeans(d[, cols])   # NA unless every item answered (volker's add_index)
out$descriptives <- list(adoption = desc(idx(items)), advantage = desc(idx(group("advantage"))))

ct <- function(x, y, method) {
  ok <- complete.cases(x, y)
  r <- cor.test(x[ok], y[ok], method = method, exact = FALSE)
  res <- list(statistic = unname(r$statistic), p = r$p.value, estimate = unname(r$estimate), n = sum(ok))
  if (method == "pearson") { res$df <- unname(r$parameter); res$ci_low <- r$conf.int[1]; res$ci_high <- r$conf.int[2] }
  res
}
out$pearson_age_private <- ct(d$sd_age, d$use_private, "pearson")
out$spearman_age_private <- ct(d$sd_age, d$use_private, "spearman")

fm <- d[!is.na(d$sd_gender) & d$sd_gender != "diverse", ]
tab <- table(fm$sd_gender, fm$sd_age > 40)
ch <- chisq.test(tab, correct = TRUE)
out$chisq_gender_age40 <- list(statistic = unname(ch$statistic), df = unname(ch$parameter), p = ch$p.value,
                               n = sum(tab), cramers_v = sqrt(unname(ch$statistic) / sum(tab)))  # as published (corrected X²)
g <- chisq.test(as.vector(table(fm$sd_gender)))
out$gof_gender <- list(statistic = unname(g$statistic), df = unname(g$parameter), p = g$p.value, n = nrow(fm))

adv <- group("advantage")
da <- d[complete.cases(d[, adv]), ]
gof <- lapply(adv, function(i) chisq.test(as.vector(table(da[[i]]))))
out$gof_advantage <- list(items = adv, statistic = sapply(gof, function(x) unname(x$statistic)),
                          p = sapply(gof, function(x) x$p.value), n = nrow(da))
out$gof_advantage$p_bh <- p.adjust(out$gof_advantage$p, "BH")
# chi-square of independence WITHOUT simulation (volker simulates p when a cell count is below 5)
indep <- function(pairs) {
  r <- lapply(pairs, function(p) suppressWarnings(chisq.test(table(da[[p[1]]], da[[p[2]]]))))
  tabs <- lapply(pairs, function(p) table(da[[p[1]]], da[[p[2]]]))
  list(x = sapply(pairs, `[`, 1), y = sapply(pairs, `[`, 2),
       statistic = sapply(r, function(x) unname(x$statistic)), df = sapply(r, function(x) unname(x$parameter)),
       p = sapply(r, function(x) x$p.value), p_bh = p.adjust(sapply(r, function(x) x$p.value), "BH"),
       cramers_v = mapply(function(t) sqrt(unname(suppressWarnings(chisq.test(t, correct = FALSE))$statistic) /
                                             (sum(t) * (min(dim(t)) - 1))), tabs),
       n = nrow(da))
}
out$advantage_x_gender <- indep(lapply(adv, function(i) c(i, "sd_gender")))
out$advantage_x_use <- indep(unlist(lapply(adv, function(i) list(c(i, "use_private"), c(i, "use_work"))), recursive = FALSE))

dc <- d[complete.cases(d[, items]), ]
pc <- lapply(items, function(i) cor.test(dc[[i]], dc$sd_age))
out$items_x_age <- list(items = items, r = sapply(pc, function(x) unname(x$estimate)),
                        t = sapply(pc, function(x) unname(x$statistic)), p = sapply(pc, function(x) x$p.value),
                        ci_low = sapply(pc, function(x) x$conf.int[1]), ci_high = sapply(pc, function(x) x$conf.int[2]),
                        n = nrow(dc))
out$items_x_age$p_bh <- p.adjust(out$items_x_age$p, "BH")
write_json(out, "tests/r/volker_reference.json", auto_unbox = TRUE, digits = NA, pretty = TRUE)
