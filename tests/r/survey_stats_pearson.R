# Reference values for the Pearson correlation test, for chi-square tests of independence with and
# without Yates' continuity correction on a threshold-recoded variable (the analysis plan's `derived`),
# and for a test on a subset of respondents (the plan's `where`), on the fixture of survey_stats.R.
# Run from the repository root:   Rscript tests/r/survey_stats_pearson.R
# Reads tests/r/survey_stats_fixture.csv (written by survey_stats.R; not rewritten here) and writes
# tests/r/survey_stats_pearson.json; tests/test_survey_stats_metric_r.py compares to 4 decimals.
suppressMessages(library(jsonlite))
d <- read.csv("tests/r/survey_stats_fixture.csv")
out <- list()
rec <- function(name, ...) out[[name]] <<- list(...)

pearson <- function(x, y, alt) {
  ok <- complete.cases(x, y)
  ct <- cor.test(x[ok], y[ok], method = "pearson", alternative = alt)
  ci <- cor.test(x[ok], y[ok], method = "pearson")$conf.int  # the two-sided interval the pipeline reports
  list(statistic = unname(ct$statistic), df = unname(ct$parameter), p = ct$p.value,
       effect = unname(ct$estimate), ci_low = ci[1], ci_high = ci[2], n = sum(ok))
}
for (alt in c("two.sided", "greater", "less")) {
  out[[paste0("pearson_sa_c1_", alt)]] <- pearson(d$sa, d$c1, alt)
  out[[paste0("pearson_cont_", alt)]] <- pearson(d$cont_x, d$cont_y, alt)
}
# missing values: every 7th x missing, complete pairs only
x_na <- d$cont_x; x_na[seq(1, nrow(d), by = 7)] <- NA
out[["pearson_missing_two.sided"]] <- pearson(x_na, d$yrs, "two.sided")

# threshold recode yrs > 10 (derived: {from: yrs, op: gt, value: 10}) crossed with bin: 2 x 2
over10 <- as.integer(d$yrs > 10)
for (corr in c(TRUE, FALSE)) {
  ch <- suppressWarnings(chisq.test(table(d$bin, over10), correct = corr))
  out[[paste0("chisq_bin_yrs_over_10_correct_", corr)]] <- list(
    statistic = unname(ch$statistic), df = unname(ch$parameter), p = ch$p.value, n = nrow(d))
}
# the same on the subset grp != 3 (where: [{variable: grp, op: ne, value: 3}]), Yates-corrected
s <- d$grp != 3
ch <- chisq.test(table(d$bin[s], over10[s]), correct = TRUE)
out[["chisq_bin_yrs_over_10_where_grp_ne_3"]] <- list(statistic = unname(ch$statistic), df = unname(ch$parameter),
                                                        p = ch$p.value, n = sum(s))
write_json(out, "tests/r/survey_stats_pearson.json", auto_unbox = TRUE, digits = NA, pretty = TRUE)
