#!/usr/bin/env python3
"""End-to-end tests of the report on `xbarmc budget` and `xbarmc tolerance` files
(DESIGN §2.9): synthetic files from analysis/make_example_analyses.py, and, when the
binary and the Fashion-MNIST files are there, files of real runs. The waterfall and
the tolerance curve are embedded as real pictures, the tables show exactly the numbers
stored in the file (read here with h5py directly), the consistency checks stay quiet
on good files, and bad files end with exit status 2, one line naming the file and the
object, and no output.
Plain unittest: `python3 analysis/tests/test_analyses.py` (registered with ctest).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_analysis import FASHION_MNIST, IMG_RE, REPORT, XBARMC, Tables, acc, run  # noqa: E402

ANALYSIS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERATOR = os.path.join(ANALYSIS, "make_example_analyses.py")


def names(values):
    return [v.decode() if isinstance(v, bytes) else v for v in values]


class AnalysesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="xbarmc-analyses-")
        done = run(GENERATOR, "--out-dir", cls.tmp, "--seed", "5", "--chips", "150", "--images", "1500")
        assert done.returncode == 0, done.stderr
        cls.budget = os.path.join(cls.tmp, "budget_example.h5")
        cls.tolerance = os.path.join(cls.tmp, "tolerance_example.h5")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def report(self, *files, expect_rc=0):
        folder = tempfile.mkdtemp(dir=self.tmp)
        out = os.path.join(folder, "report.html")
        done = run(REPORT, *files, "--out", out, "--png-dir", os.path.join(folder, "png"))
        self.assertEqual(done.returncode, expect_rc, done.stderr)
        if expect_rc:
            return out, done
        with open(out, encoding="utf-8") as f:
            text = f.read()
        tables = Tables()
        tables.feed(text)
        return text, tables

    def check_png_text(self, text, n):
        import base64
        import io
        import matplotlib.image
        images = IMG_RE.findall(text)
        self.assertEqual(len(images), n)
        for data in images:
            png = base64.b64decode(data)
            pixels = matplotlib.image.imread(io.BytesIO(png))
            self.assertGreaterEqual(pixels.shape[1], 700)
            self.assertGreater(len(np.unique(pixels.reshape(-1, pixels.shape[2]), axis=0)), 100)

    def check_budget(self, path):
        text, tables = self.report(path)
        self.assertEqual(tables.figure_keys, ["budget_waterfall"])
        self.check_png_text(text, 1)
        self.assertNotIn("Consistency check failed", text)
        rows = tables.find("budget", "/budget")
        with h5py.File(path, "r") as f:
            b = f["budget"]
            k = len(b["times"]) - 1
            labels = names(b["row/label"][()])
            self.assertEqual([r[0] for r in rows], labels)
            self.assertEqual([r[1] for r in rows], [acc(v) for v in b["mean"][:, k]])
            self.assertEqual([r[2] for r in rows], [acc(v) for v in b["cost"][:, k]])
            self.assertEqual([r[4] for r in rows], [acc(v) for v in b["p5"][:, k]])
            self.assertEqual([r[5] for r in rows], [acc(v) for v in b["yield/fraction"][:, k, 0]])
            self.assertEqual([r[6] for r in rows], [acc(v) for v in b["yield/wilson_low"][:, k, 0]])
            if len(b["times"]) > 1:
                over_time = tables.find("budget-time", "/budget/mean")
                self.assertEqual([r[1:] for r in over_time], [[acc(v) for v in m] for m in b["mean"][()]])
        return text

    def check_tolerance(self, path):
        text, tables = self.report(path)
        self.assertEqual(tables.figure_keys, ["tolerance_curve"])
        self.check_png_text(text, 1)
        self.assertNotIn("Consistency check failed", text)
        rows = tables.find("tolerance", "/tolerance/curve")
        with h5py.File(path, "r") as f:
            c = f["tolerance/curve"]
            self.assertEqual([r[1] for r in rows], [acc(v) for v in c["yield"][()]])
            self.assertEqual([r[2] for r in rows], [acc(v) for v in c["wilson_low"][()]])
            self.assertEqual([r[7] for r in rows], [str(int(k) + 1) for k in c["order"][()]])
            answer = f["tolerance"].attrs["answer"]
            answer = answer.decode() if isinstance(answer, bytes) else answer
        self.assertIn(answer.replace(">", "&gt;"), text)
        return text

    def test_budget_report_shows_the_waterfall_and_the_stored_numbers(self):
        self.check_budget(self.budget)

    def test_tolerance_report_shows_the_curve_and_the_stored_numbers(self):
        self.check_tolerance(self.tolerance)

    def test_waterfall_steps_add_up_to_the_chip_with_every_non_ideality(self):
        sys.path.insert(0, ANALYSIS)
        from xbarmc_analysis import analysis_sections, io as xio
        b = xio.load(self.budget).budget
        for k in range(len(b.times)):
            steps, marginal = analysis_sections._waterfall(b, k)
            level = 0.0
            for step in steps:
                if step.total:
                    self.assertAlmostEqual(level if level else step.value, step.value, places=12)
                    level = step.value
                else:
                    level += step.value
            self.assertAlmostEqual(level, b.mean[b.index("all"), k], places=12)
            self.assertEqual([m[0] for m in marginal], ["D2D", "C2C", "stuck cells", "read noise", "drift"])

    def test_bad_files_exit_two_naming_the_object(self):
        cases = [(self.budget, "budget/mean", "/budget/mean"), (self.budget, "budget/row/kind", "/budget/row/kind"),
                 (self.tolerance, "tolerance/curve/yield", "/tolerance/curve/yield")]
        for source, victim, named in cases:
            with self.subTest(victim=victim):
                path = os.path.join(tempfile.mkdtemp(dir=self.tmp), os.path.basename(source))
                shutil.copy(source, path)
                with h5py.File(path, "a") as f:
                    del f[victim]
                out, done = self.report(path, expect_rc=2)
                self.assertIn(named, done.stderr)
                self.assertEqual(done.stderr.count("\n"), 1, done.stderr)
                self.assertFalse(os.path.exists(out))
        path = os.path.join(tempfile.mkdtemp(dir=self.tmp), "verdict.h5")
        shutil.copy(self.tolerance, path)
        with h5py.File(path, "a") as f:
            f["tolerance"].attrs["verdict"] = "maybe"
        _, done = self.report(path, expect_rc=2)
        self.assertIn("'maybe'", done.stderr)

    @unittest.skipUnless(XBARMC and os.path.isfile(XBARMC) and os.path.isdir(FASHION_MNIST),
                         "needs XBARMC_BINARY (set by ctest) and the Fashion-MNIST files")
    def test_reports_of_a_real_budget_and_tolerance(self):
        # Guards the contract between the C++ writers and this reader, not just the generator.
        work = tempfile.mkdtemp(dir=self.tmp)
        model = os.path.join(work, "model.h5")
        budget, tolerance = os.path.join(work, "budget.h5"), os.path.join(work, "tolerance.h5")
        study = ["--model", model, "--chips", "12", "--images", "300", "--timesteps", "8", "--threads", "2",
                 "--quiet", "--c2c-sigma", "0.1", "--p-stuck-on", "0.002", "--nu-mean", "0.02",
                 "--yield-spec", "nominal-2pp,0.6"]
        steps = [[XBARMC, "train", "--epochs", "3", "--quiet", "--out", model],
                 [XBARMC, "budget", *study, "--times", "1,86400", "--out", budget],
                 [XBARMC, "tolerance", *study, "--vary", "c2c-sigma", "--range", "0,0.8", "--resolution", "0.05",
                  "--yield-target", "0.5", "--out", tolerance]]
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True, timeout=300, cwd=work)
            self.assertEqual(done.returncode, 0, done.stderr)
        self.check_budget(budget)
        self.check_tolerance(tolerance)


if __name__ == "__main__":
    unittest.main()
