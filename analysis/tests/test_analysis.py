#!/usr/bin/env python3
"""End-to-end tests of the analysis scripts on small generated results files.

Runs analysis/make_example_results.py and analysis/report.py as a user would (as
subprocesses) and checks the HTML: the expected figures are embedded and are real
pictures, the tables show exactly the numbers stored in the file (read here with
h5py directly, not through the package), and bad inputs end with exit status 2,
one line naming the file and the dataset, and no output file.
Networks (DESIGN §2.7): the example network file is read through the package, and its
per-layer table is checked against values recomputed here from the raw datasets.
Plain unittest: `python3 analysis/tests/test_analysis.py` (registered with ctest).
"""

from __future__ import annotations

import base64
import html
import html.parser
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np

ANALYSIS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERATOR = os.path.join(ANALYSIS, "make_example_results.py")
REPORT = os.path.join(ANALYSIS, "report.py")
EXPECTED_FIGURES = {
    "mc": ["accuracy_distribution", "yield_vs_spec"],
    "drift": ["drift_fan", "yield_over_time", "accuracy_distribution", "yield_vs_spec"],
    "sweep": ["sweep_scatter", "accuracy_distribution", "yield_vs_spec"],
}
# One-layer files: exactly these blocks, in this order (figure key or table kind, table group).
ONE_LAYER_BLOCKS = {
    "mc": [("accuracy_distribution", ""), ("yield_vs_spec", ""), ("summary", "/mc"), ("yield", "/mc"),
           ("reference", "/reference")],
    "drift": [("drift_fan", ""), ("yield_over_time", ""), ("accuracy_distribution", ""), ("yield_vs_spec", ""),
              ("summary", "/drift/uncompensated"), ("yield", "/drift/uncompensated"),
              ("summary", "/drift/compensated"), ("yield", "/drift/compensated"), ("reference", "/reference")],
    "sweep": [("sweep_scatter", ""), ("sweep", "/sweep/table"), ("accuracy_distribution", ""),
              ("yield_vs_spec", ""), ("summary", "/sweep/test/best"), ("yield", "/sweep/test/best"),
              ("reference", "/sweep/test/best"), ("summary", "/sweep/test/recommendation"),
              ("yield", "/sweep/test/recommendation"), ("reference", "/sweep/test/recommendation")],
}
NETWORK_FIGURES = ["drift_fan", "accuracy_distribution", "yield_vs_spec", "layer_activity"]
LAYER_DATASETS = ("layer_saturated", "layer_spikes", "layer_spike_rate")
XBARMC = os.environ.get("XBARMC_BINARY", "")
FASHION_MNIST = "/usr/share/datasets/fashion-mnist"
IMG_RE = re.compile(r'<img alt="[^"]*" src="data:image/png;base64,([A-Za-z0-9+/=]+)">')


class Tables(html.parser.HTMLParser):
    """Collects every <table> as (class, data-group, rows of cell texts), and figure keys."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self.figure_keys = [], []
        self._cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.tables.append((a.get("class"), a.get("data-group"), []))
        elif tag == "tr" and self.tables:
            self.tables[-1][2].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = ""
        elif tag == "figure":
            self.figure_keys.append(a.get("data-key"))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][2][-1].append(self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data

    def find(self, kind, group):
        found = [rows for k, g, rows in self.tables if k == kind and g == group]
        assert len(found) == 1, f"expected one {kind} table for {group}, found {len(found)}"
        return found[0][1:]  # without the header row


def run(*args):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300)


def acc(value) -> str:
    return f"{value:.4f}"


def val(value) -> str:
    """Per-layer quantities in the report: 4 significant digits."""
    return f"{value:.4g}"


def package():
    """The analysis package itself, for the tests that look at what it read."""
    if ANALYSIS not in sys.path:
        sys.path.insert(0, ANALYSIS)
    from xbarmc_analysis import io as xio, sections
    return xio, sections


class AnalysisTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="xbarmc-analysis-")
        cls.examples = os.path.join(cls.tmp, "examples")
        done = run(GENERATOR, "--out-dir", cls.examples, "--seed", "7", "--chips", "120", "--images", "1000")
        assert done.returncode == 0, done.stderr
        cls.files = {s: os.path.join(cls.examples, f"{s}_example.h5") for s in EXPECTED_FIGURES}
        cls.network = os.path.join(cls.examples, "mc_network_example.h5")
        # One report per study, with its PNG folder, shared by the tests that only read it.
        cls.reports = {}
        for study, path in cls.files.items():
            out = os.path.join(cls.tmp, f"{study}.html")
            png_dir = os.path.join(cls.tmp, f"png-{study}")
            done = run(REPORT, path, "--out", out, "--png-dir", png_dir)
            assert done.returncode == 0, done.stderr
            cls.reports[study] = (out, png_dir, done.stdout)
        out = os.path.join(cls.tmp, "network.html")
        done = run(REPORT, cls.network, "--out", out, "--png-dir", os.path.join(cls.tmp, "png-network"))
        assert done.returncode == 0, done.stderr
        cls.reports["network"] = (out, os.path.join(cls.tmp, "png-network"), done.stdout)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def report(self, *files, png_dir=None, expect_rc=0):
        out = os.path.join(tempfile.mkdtemp(dir=self.tmp), "report.html")
        args = [REPORT, *files, "--out", out] + (["--png-dir", png_dir] if png_dir else [])
        done = run(*args)
        self.assertEqual(done.returncode, expect_rc, done.stderr)
        return out, done

    def copy(self, study):
        path = os.path.join(tempfile.mkdtemp(dir=self.tmp), f"{study}_copy.h5")
        shutil.copy(self.network if study == "network" else self.files[study], path)
        return path

    def parse(self, out):
        with open(out, encoding="utf-8") as f:
            text = f.read()
        tables = Tables()
        tables.feed(text)
        return text, tables

    def check_png(self, png: bytes):
        import matplotlib.image
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
        self.assertGreater(len(png), 15000)
        pixels = matplotlib.image.imread(io.BytesIO(png))
        self.assertGreaterEqual(pixels.shape[1], 700)
        self.assertGreaterEqual(pixels.shape[0], 350)
        colours = np.unique(pixels.reshape(-1, pixels.shape[2]), axis=0)
        self.assertGreater(len(colours), 100, "a real plot has many colours (lines, bands, anti-aliasing)")
        # Not mostly blank: a plot puts ink on more than 5 % of the pixels.
        self.assertGreater(np.mean(pixels[:, :, :3].mean(axis=2) < 0.95), 0.05)

    def test_each_study_embeds_its_figures_as_real_pngs(self):
        for study, keys in EXPECTED_FIGURES.items():
            with self.subTest(study=study):
                out, png_dir, stdout = self.reports[study]
                text, tables = self.parse(out)
                self.assertEqual(tables.figure_keys, keys)
                images = [base64.b64decode(m) for m in IMG_RE.findall(text)]
                self.assertEqual(len(images), len(keys))
                for png in images:
                    self.check_png(png)
                # Self-contained: nothing fetched from elsewhere.
                self.assertNotRegex(text, r'(src|href)="(https?:|file:|//)|<script|<link')
                written = sorted(os.listdir(png_dir))
                self.assertEqual(written, sorted(f"{study}_example_{k}.png" for k in keys))
                for k, png in zip(keys, images):
                    with open(os.path.join(png_dir, f"{study}_example_{k}.png"), "rb") as f:
                        self.assertEqual(f.read(), png)
                self.assertIn(f"{len(keys)} figures", stdout)

    def check_tables_against_file(self, tables, f, path):
        """The yield and summary tables of group `path` show exactly the file's numbers."""
        g = f[path]
        specs = [s.decode() if isinstance(s, bytes) else s for s in g["yield/spec"][()]]
        expected = [[name, acc(g["yield/threshold"][s]), acc(g["yield/fraction"][k, s]),
                     acc(g["yield/wilson_low"][k, s]), acc(g["yield/wilson_high"][k, s])]
                    for k in range(len(g["times"])) for s, name in enumerate(specs)]
        shown = [row[1:] for row in tables.find("yield", path)]
        self.assertEqual(shown, expected)
        summary = tables.find("summary", path)
        self.assertEqual([row[1] for row in summary], [acc(v) for v in g["summary/mean"][()]])
        self.assertEqual([row[5] for row in summary], [acc(v) for v in g["summary/p5"][()]])
        # The stored yields follow the documented definition.
        passing = (g["accuracy"][()][:, :, None] >= g["yield/threshold"][()][None, None, :]).mean(axis=1)
        np.testing.assert_allclose(g["yield/fraction"][()], passing, atol=0)

    def test_yield_and_summary_tables_show_the_stored_numbers(self):
        groups = {"mc": ["/mc"], "drift": ["/drift/uncompensated", "/drift/compensated"],
                  "sweep": ["/sweep/test/best", "/sweep/test/recommendation"]}
        for study, paths in groups.items():
            _, tables = self.parse(self.reports[study][0])
            with h5py.File(self.files[study], "r") as f:
                for path in paths:
                    with self.subTest(study=study, group=path):
                        self.check_tables_against_file(tables, f, path)

    @unittest.skipUnless(XBARMC and os.path.isfile(XBARMC) and os.path.isdir(FASHION_MNIST),
                         "needs XBARMC_BINARY (set by ctest) and the Fashion-MNIST files")
    def test_report_of_a_real_mc_study(self):
        # Guards the contract between the C++ writer and this reader, not just the generator.
        work = tempfile.mkdtemp(dir=self.tmp)
        model, results = os.path.join(work, "model.h5"), os.path.join(work, "mc.h5")
        steps = [[XBARMC, "train", "--epochs", "3", "--quiet", "--out", model],
                 [XBARMC, "mc", "--model", model, "--chips", "16", "--images", "200", "--times", "1,86400",
                  "--c2c-sigma", "0.1", "--nu-mean", "0.02", "--yield-spec", "0.6,float-2pp",
                  "--threads", "2", "--quiet", "--out", results]]
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True, timeout=300, cwd=work)
            self.assertEqual(done.returncode, 0, done.stderr)
        out, _ = self.report(results)
        text, tables = self.parse(out)
        self.assertEqual(tables.figure_keys, ["drift_fan"] + EXPECTED_FIGURES["mc"])
        self.assertNotIn("Consistency check failed", text)
        with h5py.File(results, "r") as f:
            self.check_tables_against_file(tables, f, "/mc")

    def test_sweep_table_marks_best_and_recommendation(self):
        _, tables = self.parse(self.reports["sweep"][0])
        rows = tables.find("sweep", "/sweep/table")
        with h5py.File(self.files["sweep"], "r") as f:
            table = f["sweep/table"][()]
            best = int(f["sweep"].attrs["best_index"])
            rec = int(f["sweep"].attrs["recommendation_index"])
        self.assertEqual(rows[0][:2], ["best", str(best)])
        self.assertEqual(rows[1][:2], ["recommendation", str(rec)])
        self.assertEqual(rows[0][2], table["method"][best].decode())
        self.assertEqual(rows[0][-1], acc(table["objective"][best]))
        self.assertEqual(rows[1][-1], acc(table["objective"][rec]))
        # The top rows are in descending objective and start with the best.
        objectives = [float(r[-1]) for r in rows[2:]]
        self.assertEqual(objectives, sorted(objectives, reverse=True))
        self.assertEqual(rows[2][1], str(best))

    def test_one_page_from_several_files(self):
        out, done = self.report(*self.files.values())
        text, tables = self.parse(out)
        self.assertEqual(len(IMG_RE.findall(text)), sum(len(k) for k in EXPECTED_FIGURES.values()))
        self.assertEqual(re.findall(r'<section id="file\d+" data-study="(\w+)"', text), list(EXPECTED_FIGURES))

    def test_optional_pieces_may_be_missing(self):
        mc = self.copy("mc")
        with h5py.File(mc, "a") as f:
            del f["mc/yield"], f["mc/summary"], f["reference"], f["mapping"], f["mc/no_spike"]
        drift = self.copy("drift")
        with h5py.File(drift, "a") as f:
            del f["drift/uncompensated/yield"], f["drift/compensated/yield"]
        out, _ = self.report(mc, drift)
        text, tables = self.parse(out)
        self.assertEqual(tables.figure_keys, EXPECTED_FIGURES["mc"] +
                         [k for k in EXPECTED_FIGURES["drift"] if k != "yield_over_time"])
        self.assertEqual([t for t in tables.tables if t[0] == "yield"], [])
        self.assertNotIn("Consistency check failed", text)

    def test_mc_with_several_times_gets_a_fan_chart(self):
        mc = self.copy("drift")
        with h5py.File(mc, "a") as f:
            f.move("drift/uncompensated", "mc")
            del f["drift"]
            f.attrs["study"] = "mc"
            n_times = f["mc/times"].shape[0]
        out, _ = self.report(mc)
        _, tables = self.parse(out)
        self.assertEqual(tables.figure_keys, ["drift_fan"] + EXPECTED_FIGURES["mc"])
        self.assertEqual(len(tables.find("summary", "/mc")), n_times)

    def test_empty_yield_specs_mean_no_yield(self):
        # The C++ tool writes yield/spec and yield/threshold with zero length when no spec was given.
        mc = self.copy("mc")
        with h5py.File(mc, "a") as f:
            n_times = f["mc/times"].shape[0]
            del f["mc/yield"]
            y = f.create_group("mc/yield")
            y.create_dataset("spec", shape=(0,), dtype=h5py.string_dtype())
            y["threshold"] = np.zeros(0)
            for name in ("fraction", "wilson_low", "wilson_high"):
                y[name] = np.zeros((n_times, 0))
        out, _ = self.report(mc)
        _, tables = self.parse(out)
        self.assertEqual(tables.figure_keys, EXPECTED_FIGURES["mc"])
        self.assertEqual([t for t in tables.tables if t[0] == "yield"], [])

    def test_sweep_table_with_variable_length_strings(self):
        sweep = self.copy("sweep")
        with h5py.File(sweep, "a") as f:
            old = f["sweep/table"][()]
            vlen = h5py.string_dtype()
            dtype = np.dtype([(n, vlen if old.dtype[n].kind == "S" else old.dtype[n]) for n in old.dtype.names])
            new = np.empty(old.shape, dtype=dtype)
            for n in old.dtype.names:
                new[n] = [v.decode() for v in old[n]] if old.dtype[n].kind == "S" else old[n]
            del f["sweep/table"]
            f["sweep/table"] = new
            best = int(f["sweep"].attrs["best_index"])
        out, _ = self.report(sweep)
        _, tables = self.parse(out)
        rows = tables.find("sweep", "/sweep/table")
        self.assertEqual(rows[0][2:4], [new["method"][best], new["scheme"][best]])

    def test_inconsistent_stored_statistics_are_flagged(self):
        mc = self.copy("mc")
        with h5py.File(mc, "a") as f:
            f["mc/yield/fraction"][0, 0] = f["mc/yield/fraction"][0, 0] - 0.1
            f["mc/summary/p5"][0] = f["mc/summary/p5"][0] + 0.001
        out, _ = self.report(mc)
        text, _ = self.parse(out)
        self.assertIn("Consistency check failed: /mc/yield/fraction", text)
        self.assertIn("Consistency check failed: /mc/summary/p5", text)
        drift = self.copy("drift")
        with h5py.File(drift, "a") as f:
            f["drift/compensated/yield/wilson_high"][2, 1] += 0.01
        out, _ = self.report(drift)
        text, _ = self.parse(out)
        self.assertEqual(re.findall(r"Consistency check failed: ([^ ]+)", text), ["/drift/compensated/yield/wilson_low"])

    def expect_user_error(self, path, *needles):
        out, done = self.report(path, expect_rc=2)
        lines = done.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, done.stderr)
        for needle in (path,) + needles:
            self.assertIn(needle, lines[0])
        self.assertFalse(os.path.exists(out), "no output on bad input")
        self.assertEqual([n for n in os.listdir(os.path.dirname(out))], [], "no temporary left over")

    def test_missing_datasets_exit_2_naming_file_and_dataset(self):
        cases = [("mc", "mc/accuracy"), ("mc", "mc/times"), ("drift", "drift/uncompensated/correct"),
                 ("sweep", "sweep/table"), ("mc", "mc/yield/wilson_low"), ("sweep", "sweep/test/best/chip_index")]
        for study, name in cases:
            with self.subTest(dataset=name):
                path = self.copy(study)
                with h5py.File(path, "a") as f:
                    del f[name]
                self.expect_user_error(path, f"'/{name}'")

    def test_malformed_files_exit_2(self):
        wrong_shape = self.copy("mc")
        with h5py.File(wrong_shape, "a") as f:
            del f["mc/accuracy"]
            f["mc/accuracy"] = np.zeros((2, 3))
        self.expect_user_error(wrong_shape, "'/mc/accuracy'", "shape")
        no_study = self.copy("mc")
        with h5py.File(no_study, "a") as f:
            del f.attrs["study"]
        self.expect_user_error(no_study, "'study'")
        bad_index = self.copy("sweep")
        with h5py.File(bad_index, "a") as f:
            f["sweep"].attrs["best_index"] = np.int64(100000)
        self.expect_user_error(bad_index, "best_index")
        not_hdf5 = os.path.join(tempfile.mkdtemp(dir=self.tmp), "notes.h5")
        with open(not_hdf5, "w") as f:
            f.write("not an HDF5 file\n")
        self.expect_user_error(not_hdf5, "HDF5")
        self.expect_user_error(os.path.join(self.tmp, "does-not-exist.h5"), "no such file")

    def test_failure_keeps_an_existing_report(self):
        out = os.path.join(tempfile.mkdtemp(dir=self.tmp), "report.html")
        shutil.copy(self.reports["mc"][0], out)
        with open(out, "rb") as f:
            before = f.read()
        broken = self.copy("drift")
        with h5py.File(broken, "a") as f:
            del f["drift/compensated/accuracy"]
        done = run(REPORT, self.files["mc"], broken, "--out", out)
        self.assertEqual(done.returncode, 2)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), before)

    def test_generator_is_deterministic_in_its_seed(self):
        def accuracies(folder, seed):
            self.assertEqual(run(GENERATOR, "--out-dir", folder, "--seed", seed, "--chips", "30").returncode, 0)
            with h5py.File(os.path.join(folder, "drift_example.h5"), "r") as f:
                return f["drift/compensated/accuracy"][()]
        a = accuracies(os.path.join(self.tmp, "g1"), "3")
        b = accuracies(os.path.join(self.tmp, "g2"), "3")
        c = accuracies(os.path.join(self.tmp, "g3"), "4")
        np.testing.assert_array_equal(a, b)
        self.assertFalse(np.array_equal(a, c))

    # ---- networks (DESIGN §2.7) -------------------------------------------------------------

    def test_network_file_is_read(self):
        xio, _ = package()
        r = xio.load(self.network)
        with h5py.File(self.network, "r") as f:
            names = sorted(f["mapping/layers"].keys(), key=int)
            self.assertEqual(len(r.layers), len(names))
            self.assertGreaterEqual(len(r.layers), 2)
            for l, layer in enumerate(r.layers):
                m, ref = f[f"mapping/layers/{l}"], f[f"reference/layers/{l}"]
                self.assertEqual(layer.index, l)
                for key in ("n_in", "n_out", "array_rows", "array_cols", "arrays", "adcs"):
                    self.assertEqual(getattr(layer, key), int(m.attrs[key]), key)
                self.assertEqual(layer.shared_max, float(m.attrs["shared_max"]))
                self.assertEqual(layer.bias_mode, m.attrs["bias_mode"])
                np.testing.assert_array_equal(layer.g_target, m["g_target"][()])
                np.testing.assert_array_equal(layer.bias, m["bias"][()])
                for key in ("i_fs_a", "rho", "threshold_ratio", "threshold"):
                    self.assertEqual(getattr(layer, key), float(ref[key][()]), key)
            g = r.groups["mc"]
            self.assertEqual(g.timesteps, int(f["mc"].attrs["timesteps"]))
            self.assertEqual(g.n_layers, len(names))
            for name in LAYER_DATASETS:
                np.testing.assert_array_equal(getattr(g, name), f[f"mc/{name}"][()])
            # A network file has no one-layer mapping; /reference keeps the output layer's read-out.
            self.assertEqual(r.mapping_shapes, {})
            self.assertEqual(r.reference["threshold"], r.layers[-1].threshold)

    def test_network_report_shows_the_per_layer_figure(self):
        out, png_dir, _ = self.reports["network"]
        text, tables = self.parse(out)
        self.assertEqual(tables.figure_keys, NETWORK_FIGURES)
        images = [base64.b64decode(m) for m in IMG_RE.findall(text)]
        for png in images:
            self.check_png(png)
        self.assertIn("mc_network_example_layer_activity.png", os.listdir(png_dir))
        self.assertNotIn("Consistency check failed", text)
        # The caption names the layer with the largest mean saturation fraction at the last time.
        with h5py.File(self.network, "r") as f:
            g = f["mc"]
            n_layers = g["layer_saturated"].shape[0]
            reads = [g.attrs["n_images"] * g.attrs["timesteps"] * f[f"mapping/layers/{l}"].attrs["adcs"]
                     for l in range(n_layers)]
            mean = [np.mean(g["layer_saturated"][l, -1, :] / reads[l]) for l in range(n_layers)]
            worst = int(np.argmax(mean))
            m = f[f"mapping/layers/{worst}"].attrs
            shape = f"{m['n_in']}→{m['n_out']}"
        captions = re.findall(r'<figure class="plot" data-key="layer_activity">.*?<figcaption>(.*?)</figcaption>',
                              text, re.S)
        self.assertEqual(len(captions), 1)
        self.assertIn(f"layer {worst} ({shape}) saturates most, {100 * mean[worst]:.3g} %",
                      html.unescape(captions[0]).lower())

    def test_per_layer_table_equals_values_recomputed_from_the_datasets(self):
        _, tables = self.parse(self.reports["network"][0])
        rows = tables.find("layers", "/mc")
        with h5py.File(self.network, "r") as f:
            g = f["mc"]
            n_images, steps = int(g.attrs["n_images"]), int(g.attrs["timesteps"])
            expected = []
            for l in range(len(f["mapping/layers"])):
                m, ref = f[f"mapping/layers/{l}"].attrs, f[f"reference/layers/{l}"]
                # Recomputed from the counts, not read from layer_spike_rate.
                rate = g["layer_spikes"][l, -1, :] / (n_images * steps * m["n_out"])
                saturation = g["layer_saturated"][l, -1, :] / (n_images * steps * m["adcs"])
                spread = lambda x: [val(np.mean(x)), val(np.percentile(x, 5)), val(np.percentile(x, 95))]
                expected.append([str(l), f"{m['n_in']}→{m['n_out']}", m["bias_mode"], val(m["shared_max"]),
                                 f"{m['arrays']} × {m['array_rows']}×{m['array_cols']}", val(ref["i_fs_a"][()]),
                                 val(ref["rho"][()]), f"{ref['threshold_ratio'][()]:g}", val(ref["threshold"][()])]
                                + spread(rate) + spread(saturation))
        self.assertEqual(rows, expected)
        # The example's layers are what its documentation says: some saturation, plausible rates.
        self.assertTrue(all(0 < float(row[9]) < 0.5 for row in rows))

    def test_wrong_shape_of_layer_spike_rate_is_a_results_error(self):
        xio, _ = package()
        path = self.copy("network")
        with h5py.File(path, "a") as f:
            rate = f["mc/layer_spike_rate"][()]
            del f["mc/layer_spike_rate"]
            f["mc/layer_spike_rate"] = rate[:, -1, :]   # the time axis left out
        with self.assertRaises(xio.ResultsError) as caught:
            xio.load(path)
        self.assertIn(path, str(caught.exception))
        self.assertIn("'/mc/layer_spike_rate'", str(caught.exception))
        self.expect_user_error(path, "'/mc/layer_spike_rate'", "shape")

    def test_malformed_network_files_exit_2_naming_the_object(self):
        def drop_layer(f):
            data = f["mc/layer_saturated"][()]
            del f["mc/layer_saturated"]
            f["mc/layer_saturated"] = data[:-1]
        def row_bias_without_row(f):
            f["mapping/layers/1"].attrs["bias_mode"] = "row"
        def short_bias(f):
            del f["mapping/layers/0/bias"]
            f["mapping/layers/0/bias"] = np.zeros(3)
        cases = [
            ("layer_saturated with a layer too few", drop_layer, ["'/mc/layer_saturated'", "shape"]),
            ("missing layer_spikes", lambda f: f.__delitem__("mc/layer_spikes"), ["'/mc/layer_spikes'"]),
            ("missing timesteps", lambda f: f["mc"].attrs.__delitem__("timesteps"), ["'timesteps'", "/mc"]),
            ("missing rho", lambda f: f.__delitem__("reference/layers/1/rho"), ["'/reference/layers/1/rho'"]),
            ("missing reference layer", lambda f: f.__delitem__("reference/layers/2"), ["'/reference/layers/2'"]),
            ("missing adcs", lambda f: f["mapping/layers/0"].attrs.__delitem__("adcs"),
             ["'adcs'", "/mapping/layers/0"]),
            ("row bias needs one more g_target row", row_bias_without_row,
             ["'/mapping/layers/1/g_target'", "shape"]),
            ("unknown bias mode", lambda f: f["mapping/layers/0"].attrs.__setitem__("bias_mode", "analog"),
             ["'bias_mode'", "analog"]),
            ("bias of the wrong length", short_bias, ["'/mapping/layers/0/bias'", "shape"]),
            ("layers that do not chain", lambda f: f["mapping/layers/1"].attrs.__setitem__("n_in", np.int64(100)),
             ["'n_in'", "/mapping/layers/1"]),
        ]
        for what, damage, needles in cases:
            with self.subTest(what):
                path = self.copy("network")
                with h5py.File(path, "a") as f:
                    damage(f)
                self.expect_user_error(path, *needles)

    def test_row_bias_layers_are_read(self):
        xio, _ = package()
        path = self.copy("network")
        with h5py.File(path, "a") as f:
            for l in range(len(f["mapping/layers"])):
                m = f[f"mapping/layers/{l}"]
                g_target = m["g_target"][()]
                del m["g_target"], m["bias"]
                m["g_target"] = np.vstack([g_target, g_target[:1]])   # the bias row, index n_in
                m.attrs["bias_mode"] = "row"
        r = xio.load(path)
        self.assertEqual([layer.bias_mode for layer in r.layers], ["row"] * len(r.layers))
        self.assertEqual([layer.bias for layer in r.layers], [None] * len(r.layers))
        self.assertEqual([layer.g_target.shape[0] for layer in r.layers], [layer.n_in + 1 for layer in r.layers])

    def test_drift_and_sweep_groups_of_networks(self):
        drift = self.copy("network")
        with h5py.File(drift, "a") as f:
            f.copy("mc", "drift/uncompensated")
            f.move("mc", "drift/compensated")
            f.attrs["study"] = "drift"
            g = f["drift/compensated"]
            less = g["layer_saturated"][()] // 2   # compensation clamps fewer reads
            g["layer_saturated"][...] = less
            g["saturated"][...] = less.sum(axis=0)
        # A sweep's test groups carry the counts, but the file has no /mapping/layers (the
        # combinations differ in their mapping), so the saturation fraction is unknown.
        sweep = self.copy("sweep")
        with h5py.File(sweep, "a") as f, h5py.File(self.network, "r") as n:
            for which in ("best", "recommendation"):
                g = f[f"sweep/test/{which}"]
                for name in LAYER_DATASETS:
                    g[name] = n[f"mc/{name}"][:, -1:, :]
                g.attrs["timesteps"] = n["mc"].attrs["timesteps"]
                g["saturated"][...] = g["layer_saturated"][()].sum(axis=0)
        out, _ = self.report(drift, sweep)
        text, tables = self.parse(out)
        self.assertNotIn("Consistency check failed", text)
        self.assertEqual(tables.figure_keys, EXPECTED_FIGURES["drift"] + ["layer_activity"]
                         + EXPECTED_FIGURES["sweep"] + ["layer_activity"])
        for path in ("/drift/uncompensated", "/drift/compensated"):
            rows = tables.find("layers", path)
            self.assertEqual(len(rows), 3)
            self.assertNotIn("—", sum(rows, []))
        self.assertLess(float(tables.find("layers", "/drift/compensated")[2][12]),
                        float(tables.find("layers", "/drift/uncompensated")[2][12]))
        _, network_tables = self.parse(self.reports["network"][0])
        for path in ("/sweep/test/best", "/sweep/test/recommendation"):
            rows = tables.find("layers", path)
            self.assertEqual([row[1:9] + row[12:] for row in rows], [["—"] * 11] * 3)
            # Spike rates need no layer records: the network's at its last time.
            self.assertEqual([row[9:12] for row in rows], [row[9:12] for row in network_tables.find("layers", "/mc")])
        self.assertIn("the saturation fraction needs is unknown", html.unescape(text))

    def test_sweep_test_groups_with_their_own_network_records(self):
        # A network sweep copies each test evaluation's /mapping/layers and /reference/layers
        # into its group (best and recommendation may be different networks).
        xio, _ = package()
        sweep = self.copy("sweep")
        with h5py.File(sweep, "a") as f, h5py.File(self.network, "r") as n:
            for which in ("best", "recommendation"):
                g = f[f"sweep/test/{which}"]
                for name in LAYER_DATASETS:
                    g[name] = n[f"mc/{name}"][:, -1:, :]
                g.attrs["timesteps"] = n["mc"].attrs["timesteps"]
                g["saturated"][...] = g["layer_saturated"][()].sum(axis=0)
                n.copy("mapping/layers", g, "mapping/layers")
                n.copy("reference/layers", g, "reference/layers")
            n_images = {w: int(f[f"sweep/test/{w}"].attrs["n_images"]) for w in ("best", "recommendation")}
        r = xio.load(sweep)
        self.assertEqual(r.layers, [])  # no network of the file as a whole
        for which in ("best", "recommendation"):
            g = r.groups[f"test/{which}"]
            self.assertEqual([(layer.n_in, layer.n_out) for layer in g.layers], [(784, 128), (128, 64), (64, 10)])
        out, _ = self.report(sweep)
        text, tables = self.parse(out)
        self.assertNotIn("Consistency check failed", text)
        self.assertNotIn("the saturation fraction needs is unknown", html.unescape(text))
        network_rows = self.parse(self.reports["network"][0])[1].find("layers", "/mc")
        with h5py.File(self.network, "r") as n:
            steps = int(n["mc"].attrs["timesteps"])
            adcs = [int(n[f"mapping/layers/{l}"].attrs["adcs"]) for l in range(3)]
            saturated = n["mc/layer_saturated"][:, -1, :]
        for which in ("best", "recommendation"):
            rows = tables.find("layers", f"/sweep/test/{which}")
            self.assertEqual([row[:12] for row in rows], [row[:12] for row in network_rows])
            fraction = [saturated[l] / (n_images[which] * steps * adcs[l]) for l in range(3)]
            self.assertEqual([row[12] for row in rows], [val(np.mean(x)) for x in fraction])

    @unittest.skipUnless(XBARMC and os.path.isfile(XBARMC) and os.path.isdir(FASHION_MNIST),
                         "needs XBARMC_BINARY (set by ctest) and the Fashion-MNIST files")
    def test_report_of_a_real_network_sweep(self):
        # The C++ writer's network sweep (hidden and array axes) read by this reader.
        work = tempfile.mkdtemp(dir=self.tmp)
        results = os.path.join(work, "sweep.h5")
        step = [XBARMC, "sweep", "--method", "avg_8x8", "--hidden", "8", "--arrays", "0x0;32x8",
                "--bias", "--timesteps", "4", "--adc-bits", "5", "--epochs", "2", "--chips", "4",
                "--images", "200", "--test-chips", "4", "--test-images", "200", "--c2c-sigma", "0.1",
                "--yield-spec", "0.5", "--objective", "mc_mean", "--tolerance", "1", "--threads", "2",
                "--quiet", "--out", results]
        done = subprocess.run(step, capture_output=True, text=True, timeout=300, cwd=work)
        self.assertEqual(done.returncode, 0, done.stderr)
        out, _ = self.report(results)
        text, tables = self.parse(out)
        self.assertNotIn("Consistency check failed", text)
        self.assertIn("layer_activity", tables.figure_keys)
        with h5py.File(results, "r") as f:
            table = f["sweep/table"][()]
            rows = tables.find("sweep", "/sweep/table")
            best = int(f["sweep"].attrs["best_index"])
            self.assertEqual(rows[0][3:5], [table["hidden"][best].decode(),
                                            f"{table['array_rows'][best]}x{table['array_cols'][best]}"])
            self.assertEqual(rows[0][10], table["threshold_ratios"][best].decode())
            for which in ("best", "recommendation"):
                g = f[f"sweep/test/{which}"]
                layers = tables.find("layers", g.name)
                self.assertEqual(len(layers), 2)
                for l, row in enumerate(layers):
                    m, ref = g[f"mapping/layers/{l}"].attrs, g[f"reference/layers/{l}"]
                    self.assertEqual(row[1:3], [f"{m['n_in']}→{m['n_out']}", "digital"])
                    self.assertEqual(row[4], f"{m['arrays']} × {m['array_rows']}×{m['array_cols']}")
                    self.assertEqual(row[7], f"{ref['threshold_ratio'][()]:g}")
                    reads = g.attrs["n_images"] * g.attrs["timesteps"] * m["adcs"]
                    self.assertEqual(row[12], val(np.mean(g["layer_saturated"][l, -1, :] / reads)))

    def test_inconsistent_layer_counts_are_flagged(self):
        xio, sections = package()
        path = self.copy("network")
        with h5py.File(path, "a") as f:
            f["mc/layer_spike_rate"][0, 0, 0] += 1e-3
            f["mc/layer_saturated"][1, 0, 0] += 1
        warnings = sections.build(xio.load(path)).warnings
        self.assertEqual(warnings, ["/mc/layer_saturated summed over layers differs from /mc/saturated",
                                    "/mc/layer_spike_rate differs from layer_spikes / (n_images · timesteps · n_out)"])

    def test_caption_says_when_nothing_saturates_and_which_layer_is_silent(self):
        xio, sections = package()
        path = self.copy("network")
        with h5py.File(path, "a") as f:
            f["mc/layer_saturated"][...] = 0
            f["mc/saturated"][...] = 0
            f["mc/layer_spikes"][1] = 0
            f["mc/layer_spike_rate"][1] = 0.0
        built = sections.build(xio.load(path))
        self.assertEqual(built.warnings, [])
        figure = [b for b in built.blocks if isinstance(b, sections.FigureBlock) and b.key == "layer_activity"]
        self.assertEqual(len(figure), 1)
        self.assertIn("No ADC read of any layer was clamped.", figure[0].caption)
        self.assertIn("Silent on the median chip (no spike, so nothing reaches the later layers): "
                      "layer 1 (128→64).", figure[0].caption)
        self.assertNotIn("saturates most", figure[0].caption)

    def test_one_layer_files_keep_todays_sections(self):
        xio, sections = package()
        for study, blocks in ONE_LAYER_BLOCKS.items():
            with self.subTest(study=study):
                r = xio.load(self.files[study])
                self.assertEqual(r.layers, [])
                self.assertEqual([g.n_layers for g in r.groups.values()], [0] * len(r.groups))
                self.assertTrue(all(g.timesteps is None and g.layer_spike_rate is None for g in r.groups.values()))
                built = sections.build(r)
                shown = [(b.key, "") if isinstance(b, sections.FigureBlock) else (b.kind, b.group)
                         for b in built.blocks]
                self.assertEqual(shown, blocks)
                self.assertNotIn("network", [k for k, _ in built.metadata])
                self.assertEqual(built.warnings, [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
