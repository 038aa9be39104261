# Reference values for src/upskilling/interviews/agreement.py, computed with R.
# Run from the repository root:   Rscript tests/r/agreement.R
# Writes tests/r/agreement_expected.json: the fixture (two label vectors, 40 segments, 5 labels, written
# literally here and in tests/test_interviews_agreement.py), Cohen's kappa (psych::cohen.kappa, and the
# same from its formula) and Krippendorff's alpha, nominal, for two coders without missing values (from
# the coincidence matrix, Krippendorff 2011, "Computing Krippendorff's alpha-reliability").
# irr (kappa2, kripp.alpha) is not packaged in Debian 12 (no r-cran-irr) and CRAN cannot be reached from
# the project's machines, so psych (r-cran-psych) gives kappa and alpha is computed from its formula.
# Needs: apt-get install r-base-core r-cran-psych r-cran-jsonlite
suppressMessages({library(psych); library(jsonlite)})
labels <- c("survival", "growth", "ai_structures", "barrier_context", "other")
truth <- c(
  "survival", "ai_structures", "other", "growth", "survival", "ai_structures", "barrier_context",
  "growth", "ai_structures", "survival", "barrier_context", "barrier_context", "ai_structures",
  "survival", "barrier_context", "barrier_context", "ai_structures", "barrier_context",
  "barrier_context", "barrier_context", "survival", "growth", "survival", "growth", "ai_structures",
  "ai_structures", "survival", "survival", "growth", "ai_structures", "survival", "survival",
  "survival", "ai_structures", "growth", "barrier_context", "ai_structures", "survival",
  "ai_structures", "growth")
pred <- c(
  "survival", "survival", "other", "survival", "survival", "ai_structures", "barrier_context",
  "growth", "ai_structures", "survival", "barrier_context", "barrier_context", "ai_structures",
  "growth", "barrier_context", "barrier_context", "other", "growth", "other", "survival",
  "survival", "growth", "survival", "survival", "ai_structures", "barrier_context",
  "barrier_context", "survival", "growth", "ai_structures", "survival", "survival", "growth",
  "ai_structures", "growth", "barrier_context", "ai_structures", "survival", "ai_structures",
  "growth")
stopifnot(length(truth) == 40, length(pred) == 40)

ft <- factor(truth, levels = labels); fp <- factor(pred, levels = labels)
kappa_psych <- psych::cohen.kappa(cbind(as.integer(ft), as.integer(fp)))$kappa

# Cohen's kappa from its formula: (p_o - p_e) / (1 - p_e) on the human x model table
tab <- table(ft, fp)
n <- sum(tab)
p_o <- sum(diag(tab)) / n
p_e <- sum(rowSums(tab) * colSums(tab)) / n^2
kappa_formula <- (p_o - p_e) / (1 - p_e)
stopifnot(abs(kappa_formula - kappa_psych) < 1e-12)

# Krippendorff's alpha, nominal: with two values per unit each unit adds both ordered pairs with weight
# 1 / (m_u - 1) = 1, so the coincidence matrix is tab + t(tab); n.. = 2N pairable values.
o <- unclass(tab + t(tab))
n_c <- rowSums(o)
n_all <- sum(n_c)
off <- row(o) != col(o)
alpha_nominal <- 1 - (n_all - 1) * sum(o[off]) / sum(outer(n_c, n_c)[off])

out <- list(
  labels = labels, truth = truth, pred = pred, n = n,
  cohen_kappa = kappa_psych, cohen_kappa_formula = kappa_formula,
  krippendorff_alpha_nominal = alpha_nominal, observed_agreement = p_o,
  r_version = R.version.string,
  packages = list(psych = as.character(packageVersion("psych")),
                  jsonlite = as.character(packageVersion("jsonlite")))
)
print(out[c("n", "cohen_kappa", "cohen_kappa_formula", "krippendorff_alpha_nominal", "observed_agreement")])
write_json(out, "tests/r/agreement_expected.json", auto_unbox = TRUE, digits = NA, pretty = TRUE)
