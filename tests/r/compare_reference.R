# Reference values for the cross-wave comparison (src/upskilling/survey/compare.py), computed with R on a
# small seeded fixture. Run from the repository root:   Rscript tests/r/compare_reference.R
# Writes tests/r/compare_reference.json: the two waves' scored tables ("data": panel_id and three construct
# scores, means of two items so every value is exact in binary; ties, zero differences and a few missing
# scores included) and R's values ("expected"); tests/test_survey_compare.py runs the comparison on the
# same data and compares every number to 4 decimals.
#
# Designs (later wave minus earlier wave): respondents whose panel_id is in one wave only are independent
# samples, wilcox.test(to, from, exact = FALSE, correct = TRUE) and t.test(to, from) (Welch); respondents
# in both waves are pairs, wilcox.test(to, from, paired = TRUE, exact = FALSE, correct = TRUE),
# t.test(to, from, paired = TRUE) and cor.test(to, from). p.adjust(method = "holm") over the constructs
# per design. The rank-biserial CIs use effectsize::rank_biserial's documented Fisher-z standard errors
# (as tests/r/survey_stats.R).
suppressMessages(library(jsonlite))
set.seed(20260429)
half <- function(v) pmin(5, pmax(1, round(2 * v) / 2))
ids <- sprintf("p%03d", 1:70)
ids_a <- ids[1:40]                      # wave 1
ids_b <- c(ids[16:40], ids[41:60])      # wave 2: 25 of wave 1's respondents + 20 new ones
n_b <- length(ids_b)
f_a <- rnorm(40)
f_b <- c(0.6 * f_a[16:40] + 0.8 * rnorm(25), rnorm(20))  # panel members' latent correlates across waves
shift <- c(c1 = 0.4, c2 = -0.3, c3 = 0)
a <- data.frame(panel_id = ids_a, stringsAsFactors = FALSE)
b <- data.frame(panel_id = ids_b, stringsAsFactors = FALSE)
for (k in names(shift)) {
  a[[k]] <- half(3 + 0.8 * f_a + 0.7 * rnorm(40))
  b[[k]] <- half(3 + shift[[k]] + 0.8 * f_b + 0.7 * rnorm(n_b))
}
a$c1[c(3, 20)] <- NA   # one unlinked, one linked respondent without a score
b$c2[c(5, 30)] <- NA

z975 <- qnorm(0.975)
fisher_ci <- function(r, se) tanh(atanh(r) + c(-1, 1) * z975 * se)
rb_paired <- function(d) {
  d <- d[d != 0]; nd <- length(d); rk <- rank(signif(abs(d), 10)); S <- nd * (nd + 1) / 2
  r <- (sum(rk[d > 0]) - sum(rk[d < 0])) / S
  c(r, fisher_ci(r, sqrt((2 * nd^3 + 3 * nd^2 + nd) / 6) / S))
}
rb_indep <- function(W, n1, n2) { r <- 2 * W / (n1 * n2) - 1; c(r, fisher_ci(r, sqrt((n1 + n2 + 1) / (3 * n1 * n2)))) }

shared <- intersect(ids_a, ids_b)
ua <- a[!(a$panel_id %in% shared), ]
ub <- b[!(b$panel_id %in% shared), ]
pa <- a[match(shared, a$panel_id), ]
pb <- b[match(shared, b$panel_id), ]
out <- list(independent = list(), paired = list())
for (k in names(shift)) {
  x <- ub[[k]][!is.na(ub[[k]])]; y <- ua[[k]][!is.na(ua[[k]])]
  w <- wilcox.test(x, y, exact = FALSE, correct = TRUE)
  e <- rb_indep(unname(w$statistic), length(x), length(y))
  tt <- t.test(x, y)
  out$independent[[k]] <- list(n_from = length(y), n_to = length(x), statistic = unname(w$statistic), p = w$p.value,
                               effect = e[1], ci_low = e[2], ci_high = e[3], mean_difference = mean(x) - mean(y),
                               md_ci_low = tt$conf.int[1], md_ci_high = tt$conf.int[2])
  ok <- !is.na(pa[[k]]) & !is.na(pb[[k]])
  x <- pb[[k]][ok]; y <- pa[[k]][ok]
  w <- wilcox.test(x, y, paired = TRUE, exact = FALSE, correct = TRUE, digits.rank = 10)
  e <- rb_paired(x - y)
  tt <- t.test(x, y, paired = TRUE)
  ct <- cor.test(x, y)
  out$paired[[k]] <- list(n_from = length(y), n_to = length(x), statistic = unname(w$statistic), p = w$p.value,
                          effect = e[1], ci_low = e[2], ci_high = e[3], mean_difference = mean(x - y),
                          md_ci_low = tt$conf.int[1], md_ci_high = tt$conf.int[2],
                          within_r = unname(ct$estimate), within_r_ci_low = ct$conf.int[1],
                          within_r_ci_high = ct$conf.int[2])
}
for (design in names(out)) {
  padj <- p.adjust(vapply(out[[design]], function(r) r$p, 0), method = "holm")
  for (k in names(padj)) out[[design]][[k]]$p_adjusted <- unname(padj[[k]])
}
res <- list(
  r_version = R.version.string,
  data = list(wave1 = a, wave2 = b),
  expected = out
)
writeLines(toJSON(res, auto_unbox = TRUE, digits = NA, na = "null", pretty = TRUE, dataframe = "columns"),
           "tests/r/compare_reference.json")
