# Reference values for the interview validation statistics, computed with R.
# Run from the repository root:   Rscript tests/r/interviews_agreement.R
# Writes tests/r/interviews_agreement.json: the seeded fixture (human codes, model themes, a
# documents x keywords presence matrix) and Cohen's kappa (psych::cohen.kappa), the adjusted Rand
# index (mclust::adjustedRandIndex), per-theme precision / recall / F1 (from the confusion table) and
# NPMI topic coherence (computed from its formula). tests/test_interviews_validate.py recomputes them.
suppressMessages({library(psych); library(mclust); library(jsonlite)})
set.seed(20260429)
themes <- c("survival", "growth", "ai_structures", "barrier_context", "other")
n <- 60
truth <- sample(themes, n, replace = TRUE, prob = c(0.3, 0.2, 0.2, 0.2, 0.1))
# the model agrees about 70% of the time, otherwise picks any theme
pred <- ifelse(runif(n) < 0.7, truth, sample(themes, n, replace = TRUE))

kappa <- psych::cohen.kappa(cbind(factor(truth, levels = themes), factor(pred, levels = themes)))$kappa
ari <- mclust::adjustedRandIndex(truth, pred)
per_theme <- lapply(themes, function(t) {
  tp <- sum(pred == t & truth == t); fp <- sum(pred == t & truth != t); fn <- sum(pred != t & truth == t)
  p <- if (tp + fp > 0) tp / (tp + fp) else 0
  r <- if (tp + fn > 0) tp / (tp + fn) else 0
  f <- if (p + r > 0) 2 * p * r / (p + r) else 0
  list(theme = t, precision = p, recall = r, f1 = f, support = sum(truth == t))
})

# NPMI: 40 documents x 6 keywords, presence with correlated pairs
docs <- 40
base <- rbinom(docs, 1, 0.4)
presence <- cbind(
  w1 = base, w2 = ifelse(runif(docs) < 0.8, base, 1 - base), w3 = rbinom(docs, 1, 0.3),
  w4 = rbinom(docs, 1, 0.5), w5 = ifelse(runif(docs) < 0.7, base, 0), w6 = c(rep(1, 3), rep(0, docs - 3))
)
npmi <- function(a, b) {
  pa <- mean(a); pb <- mean(b); pab <- mean(a & b)
  if (pab == 0) return(-1)
  if (pab == 1) return(1)
  log(pab / (pa * pb)) / -log(pab)
}
k <- ncol(presence)
npmi_matrix <- matrix(NA, k, k)
for (i in 1:k) for (j in 1:k) npmi_matrix[i, j] <- npmi(presence[, i], presence[, j])
pairs <- combn(k, 2)
topic_npmi <- mean(apply(pairs, 2, function(ij) npmi_matrix[ij[1], ij[2]]))

out <- list(
  themes = themes, truth = truth, pred = pred,
  kappa = kappa, ari = ari, per_theme = per_theme,
  presence = unname(presence), npmi_matrix = npmi_matrix, topic_npmi = topic_npmi,
  r_version = R.version.string,
  packages = list(psych = as.character(packageVersion("psych")), mclust = as.character(packageVersion("mclust")))
)
write_json(out, "tests/r/interviews_agreement.json", auto_unbox = TRUE, digits = 15, pretty = TRUE)
