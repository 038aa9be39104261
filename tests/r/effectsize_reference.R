# Effect sizes and their confidence intervals computed by R's *effectsize* package, an implementation
# independent of the pipeline (issue 13): nothing here retypes the pipeline's formulas.
# Run from the repository root:   Rscript tests/r/effectsize_reference.R
# Needs R with the packages effectsize (Debian: apt-get install r-cran-effectsize; it brings boot,
# datawizard and insight) and jsonlite. Reads tests/r/survey_stats_fixture.csv (written by
# tests/r/survey_stats.R; not rewritten here) and writes tests/r/effectsize_reference.json, with the R,
# effectsize, boot and datawizard versions under "_meta". tests/test_survey_effectsize_r.py compares the
# pipeline's values (src/upskilling/survey/effects.py, stats_rank.py, stats_counts.py) to these.
#
# What effectsize computes, per entry ("ci_method" in the json says the same):
# * rank_biserial (one-sample / paired / independent): r from the signed ranks / the rank sums; CI
#   tanh(atanh(r) +- z SE) with its SE ("normal"), alternative = "two.sided" (its default).
#   Two calls for the paired design: rank_biserial(x - y) (the one-sample form on the differences) and
#   rank_biserial(x, y, paired = TRUE). effectsize 0.8.3 (and 1.0.3) counts the pairs of the second form's
#   SE as sum(x - mu != 0), i.e. every pair, not the non-zero differences that r is computed on, so the
#   two forms give different CIs when some differences are zero (the fixture's sa - sb has zeros).
#   The differences are given rounded to 10 significant digits, as the pipeline ranks them (R's
#   wilcox.test(digits.rank = 10); effects.RANK_DIGITS): differences of scale means carry floating-point
#   noise (13/3 - 3 != 3 - 5/3 in binary) that would otherwise decide ties.
# * cramers_v(table, adjust = FALSE): V from the uncorrected Pearson X^2 (also for a 2 x 2 table);
#   CI by inverting the non-central chi-square ("ncp", stats::optim on pchisq). Recorded with
#   alternative = "two.sided" (compared with the pipeline) and with effectsize's default
#   alternative = "greater" (one-sided: CI_high = 1, CI_low = the lower bound at level 2 * 0.95 - 1).
# * cohens_w(counts, p = ...): Cohen's w of the goodness-of-fit X^2, the same ncp CI, two-sided; its
#   upper bound is capped at the largest possible w, sqrt((1 - q) / q), q the smallest expected share.
# * kendalls_w(matrix) and rank_epsilon_squared(x, groups): the point estimates (W with its own
#   tie-corrected formula from the within-block ranks; E = H / ((n^2 - 1) / (n + 1)) from kruskal.test)
#   and a PERCENTILE BOOTSTRAP CI (boot::boot + boot.ci(type = "perc"); W resamples blocks = rows,
#   epsilon^2 resamples the values within each group). effectsize has no other CI for these two; its
#   default is alternative = "greater" (one-sided, CI_high = 1) with 200 iterations. Recorded: the
#   default call and a two-sided call with 2000 iterations, each after set.seed(SEED) so that the json
#   is reproducible (bootstrap bounds depend on the seed and on the boot / effectsize versions).
suppressMessages({library(effectsize); library(jsonlite)})
SEED <- 20260429
d <- read.csv("tests/r/survey_stats_fixture.csv")
out <- list()
es_row <- function(es, ...) {
  ci_method <- attr(es, "ci_method")
  list(estimate = unname(es[[1]]), ci_low = es$CI_low, ci_high = es$CI_high, ci = es$CI,
       alternative = attr(es, "alternative"), ci_method = ci_method$method,
       iterations = if (is.null(ci_method$iterations)) NULL else ci_method$iterations, ...)
}
rec <- function(name, row) out[[name]] <<- row

# --- rank-biserial r -------------------------------------------------------------------------------
# one-sample: sb against mu = 3 (zeros dropped); Python: stats_rank.wilcoxon_one_sample(sb, 3)
rec("rank_biserial_one_sample_sb_mu3",
    es_row(rank_biserial(signif(d$sb - 3, 10), alternative = "two.sided", ci = 0.95, verbose = FALSE),
           call = "rank_biserial(signif(sb - 3, 10))"))
# paired sa - sb (has zero differences); Python: stats_rank.wilcoxon_paired(sa, sb)
rec("rank_biserial_paired_sa_sb_differences",
    es_row(rank_biserial(signif(d$sa - d$sb, 10), alternative = "two.sided", ci = 0.95, verbose = FALSE),
           call = "rank_biserial(signif(sa - sb, 10))"))
# the two-vector form on integer items (a1 vs b1: zero differences, no floating-point noise)
rec("rank_biserial_paired_a1_b1_two_vectors",
    es_row(rank_biserial(d$a1, d$b1, paired = TRUE, alternative = "two.sided", ci = 0.95, verbose = FALSE),
           call = "rank_biserial(a1, b1, paired = TRUE)", n_pairs = nrow(d), n_nonzero = sum(d$a1 != d$b1)))
# paired, continuous (no zero differences, no ties): both forms agree
rec("rank_biserial_paired_cont_1_30",
    es_row(rank_biserial(d$cont_x[1:30], d$cont_y[1:30], paired = TRUE, alternative = "two.sided", ci = 0.95, verbose = FALSE),
           call = "rank_biserial(cont_x[1:30], cont_y[1:30], paired = TRUE)"))
# independent: sa of bin == 1 vs bin == 0 (ties); cont_x[1:20] vs cont_y[21:38] (no ties)
rec("rank_biserial_independent_sa_by_bin",
    es_row(rank_biserial(d$sa[d$bin == 1], d$sa[d$bin == 0], alternative = "two.sided", ci = 0.95, verbose = FALSE),
           call = "rank_biserial(sa[bin == 1], sa[bin == 0])"))
rec("rank_biserial_independent_cont",
    es_row(rank_biserial(d$cont_x[1:20], d$cont_y[21:38], alternative = "two.sided", ci = 0.95, verbose = FALSE),
           call = "rank_biserial(cont_x[1:20], cont_y[21:38])"))

# --- Cramer's V and Cohen's w (non-central chi-square CI) ------------------------------------------
# the tables of tests/r/survey_stats.R (no association) and two with one (lower bounds above 0):
# a1 > 3 by a2 > 3, and sa by c1 cut at 2.5 and 3.5 (3 x 3)
cut3 <- function(v) cut(v, c(-Inf, 2.5, 3.5, Inf))
tabs <- list("2x2" = table(d$bin, d$sa > 3), "2x3" = table(d$bin, d$grp), "a1_a2_2x2" = table(d$a1 > 3, d$a2 > 3),
             "sa_c1_3x3" = table(cut3(d$sa), cut3(d$c1)))
for (nm in names(tabs)) {
  rec(paste0("cramers_v_", nm),
      es_row(cramers_v(tabs[[nm]], adjust = FALSE, ci = 0.95, alternative = "two.sided"),
             table = unname(lapply(seq_len(nrow(tabs[[nm]])), function(i) as.vector(tabs[[nm]][i, ])))))
  rec(paste0("cramers_v_", nm, "_greater"), es_row(cramers_v(tabs[[nm]], adjust = FALSE, ci = 0.95)))
}
counts <- as.vector(table(factor(d$c1, levels = 1:5))); pr <- c(0.1, 0.2, 0.3, 0.25, 0.15)
rec("cohens_w_gof_c1", es_row(cohens_w(counts, p = pr, ci = 0.95, alternative = "two.sided"), counts = counts, p = pr))

# --- Kendall's W and rank epsilon squared (bootstrap CI) -------------------------------------------
# a1, b1, c1 as in tests/r/survey_stats.R (no effect: p = .57) and a1..a4 (p = .007)
for (cols in list(c("a1", "b1", "c1"), c("a1", "a2", "a3", "a4"))) {
  m <- as.matrix(d[, cols]); nm <- paste0("kendalls_w_", paste(cols, collapse = "_"))
  set.seed(SEED)
  rec(nm, es_row(kendalls_w(m, ci = 0.95, alternative = "two.sided", iterations = 2000, verbose = FALSE),
                 seed = SEED, columns = cols, friedman_statistic = unname(friedman.test(m)$statistic)))
  set.seed(SEED)
  rec(paste0(nm, "_default"), es_row(kendalls_w(m, verbose = FALSE), seed = SEED))
}
# sa by grp as in tests/r/survey_stats.R (p = .24) and sa by c1 (5 groups, p = .024)
for (gv in c("grp", "c1")) {
  g <- factor(d[[gv]]); nm <- paste0("rank_epsilon_squared_sa_by_", gv)
  set.seed(SEED)
  rec(nm, es_row(rank_epsilon_squared(d$sa, g, ci = 0.95, alternative = "two.sided", iterations = 2000, verbose = FALSE),
                 seed = SEED, groups = gv, kruskal_statistic = unname(kruskal.test(d$sa, g)$statistic)))
  set.seed(SEED)
  rec(paste0(nm, "_default"), es_row(rank_epsilon_squared(d$sa, g, verbose = FALSE), seed = SEED))
}

out[["_meta"]] <- list(R = R.version.string, effectsize = as.character(packageVersion("effectsize")),
                       boot = as.character(packageVersion("boot")),
                       datawizard = as.character(packageVersion("datawizard")), seed = SEED,
                       fixture = "tests/r/survey_stats_fixture.csv")
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null", null = "null"),
           "tests/r/effectsize_reference.json")
cat("wrote tests/r/effectsize_reference.json\n")
