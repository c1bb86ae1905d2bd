"""The local toxicity model: alt-profanity-check's linear model, read once per process.

The package (``profanity_check``) ships a word-level TF-IDF vectorizer and five
sigmoid-calibrated linear SVMs, trained on offensive English. Calling scikit-learn for one
comment costs about 2 ms of CPU (input validation, sparse matrices); the same arithmetic in
plain Python over the words of one comment costs a few microseconds. So the package's files
are loaded once (``load_weights``), turned into one dict ``word -> (idf, weight per SVM)``,
and ``score_words`` computes exactly what the package's ``predict_prob`` does:

    x      = tf-idf of the comment's words, L2-normalised
    d_k    = w_k . x + b_k                       for each of the five SVMs
    p_k    = 1 / (1 + exp(A_k * d_k + B_k))      (Platt calibration)
    score  = mean(p_k)

tests/test_toxicity_model.py checks the two agree on the labelled set. Nothing is
downloaded: the weights are files inside the installed package.
"""

from __future__ import annotations

import marshal
import math
import os
import re
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

# scikit-learn's default token_pattern, applied after lower-casing as the vectorizer does.
TOKEN_RE = re.compile(r"(?u)\b\w\w+\b")
PACKAGE = "alt-profanity-check"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class LinearWeights:
    # word -> (idf, weight in each calibrated SVM)
    words: dict[str, tuple[float, tuple[float, ...]]]
    intercepts: tuple[float, ...]
    # Platt scaling (A, B) of each SVM
    calibration: tuple[tuple[float, float], ...]
    name: str


_lock = threading.Lock()
_weights: LinearWeights | None = None


def load_weights() -> LinearWeights:
    """The packaged model as plain numbers; loaded on first use, then shared by all threads."""
    global _weights
    if _weights is None:
        with _lock:
            if _weights is None:
                _weights = read_package()
    return _weights


def read_package() -> LinearWeights:
    """The weights, extracted by a short-lived child process: unpickling the package's files
    imports scikit-learn, SciPy and NumPy, about 100 MB that would otherwise stay resident in
    every web worker for the whole of its life, for numbers that fit in a dict."""
    child = subprocess.run(  # noqa: S603 - this interpreter, a fixed module of ours
        [sys.executable, "-m", "app.services.toxicity_model"],
        capture_output=True,
        check=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        timeout=120,
    )
    words, intercepts, calibration, name = marshal.loads(child.stdout)  # noqa: S302 - our own child
    return LinearWeights(
        words=words,
        intercepts=tuple(intercepts),
        calibration=tuple(tuple(pair) for pair in calibration),
        name=name,
    )


def extract_package() -> LinearWeights:
    """The weights, read from the package's files in this process (imports scikit-learn)."""
    import joblib  # scikit-learn unpickles the package's files; both only load here

    data = resources.files("profanity_check") / "data"
    vectorizer = joblib.load(data / "vectorizer.joblib")  # noqa: S301 - the package's own file
    model = joblib.load(data / "model.joblib")  # noqa: S301 - the package's own file
    svms = [c.estimator for c in model.calibrated_classifiers_]
    calibration = tuple(
        (float(c.calibrators[0].a_), float(c.calibrators[0].b_))
        for c in model.calibrated_classifiers_
    )
    coefs = [svm.coef_[0] for svm in svms]
    idf = vectorizer.idf_
    words = {
        word: (float(idf[i]), tuple(float(c[i]) for c in coefs))
        for word, i in vectorizer.vocabulary_.items()
    }
    return LinearWeights(
        words=words,
        intercepts=tuple(float(svm.intercept_[0]) for svm in svms),
        calibration=calibration,
        name=f"{PACKAGE}-{metadata.version(PACKAGE)}",
    )


def write_extracted_weights() -> None:
    """The child's side of read_package: the weights as marshal data on standard output."""
    weights = extract_package()
    data = (weights.words, weights.intercepts, weights.calibration, weights.name)
    sys.stdout.buffer.write(marshal.dumps(data))


def score_words(text: str, weights: LinearWeights) -> float:
    """The model's probability (0 to 1) that ``text`` is offensive."""
    counts = Counter(t for t in TOKEN_RE.findall(text.lower()) if t in weights.words)
    k = len(weights.intercepts)
    sums = [0.0] * k
    norm_sq = 0.0
    for word, count in counts.items():
        idf, coefs = weights.words[word]
        value = count * idf
        norm_sq += value * value
        for i in range(k):
            sums[i] += value * coefs[i]
    norm = math.sqrt(norm_sq) or 1.0
    total = 0.0
    for i in range(k):
        decision = sums[i] / norm + weights.intercepts[i]
        a, b = weights.calibration[i]
        total += 1.0 / (1.0 + math.exp(a * decision + b))
    return total / k


if __name__ == "__main__":
    write_extracted_weights()
