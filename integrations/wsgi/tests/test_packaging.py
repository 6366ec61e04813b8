"""`pip install ./integrations/wsgi` works: a wheel built offline against the installed
setuptools (what --no-build-isolation does) carries the metadata and the package, and
hopscope_wsgi imports and runs from it, unpacked into a fresh directory."""
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import zipfile
from email.parser import Parser

from support import PACKAGE_DIR


def _can_build():
    try:
        importlib.metadata.version("pip")
        setuptools = importlib.metadata.version("setuptools")  # its version, without importing it
    except importlib.metadata.PackageNotFoundError:
        return False
    # Before 70.1 setuptools builds wheels through the separate `wheel` package.
    major_minor = tuple(int(p) for p in setuptools.split(".")[:2])
    return major_minor >= (70, 1) or importlib.util.find_spec("wheel") is not None


@unittest.skipUnless(_can_build(), "pip, setuptools (and wheel, for setuptools < 70.1) are not installed for this Python")
class Packaging(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="hopscope-packaging-")
        source = os.path.join(cls.work, "src")
        # Built from a copy: setuptools writes build/ and *.egg-info next to the sources.
        shutil.copytree(PACKAGE_DIR, source, ignore=shutil.ignore_patterns("build", "dist", "*.egg-info", "__pycache__"))
        pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
        cls.wheels = os.path.join(cls.work, "wheels")
        built = subprocess.run(
            pip + ["wheel", "--no-build-isolation", "--no-deps", "--no-index", "-w", cls.wheels, source], capture_output=True, text=True, timeout=120
        )
        assert built.returncode == 0, built.stdout + built.stderr
        [cls.wheel] = [os.path.join(cls.wheels, n) for n in os.listdir(cls.wheels) if n.endswith(".whl")]
        # A pure-Python wheel installs by unpacking it (PEP 427); one pip run fewer keeps the suite quick.
        cls.site = os.path.join(cls.work, "site")
        with zipfile.ZipFile(cls.wheel) as wheel:
            wheel.extractall(cls.site)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)

    def test_the_wheel_carries_the_metadata(self):
        self.assertEqual(os.path.basename(self.wheel), "hopscope-0.1.0-py3-none-any.whl")
        with zipfile.ZipFile(self.wheel) as wheel:
            names = wheel.namelist()
            metadata = Parser().parsestr(wheel.read("hopscope-0.1.0.dist-info/METADATA").decode("utf-8"))
        self.assertEqual(metadata["Name"], "hopscope")
        self.assertEqual(metadata["Version"], "0.1.0")
        self.assertEqual(metadata.get("License") or metadata.get("License-Expression"), "MIT")
        self.assertEqual(metadata["Requires-Python"], ">=3.9")
        self.assertIn("License :: OSI Approved :: MIT License", metadata.get_all("Classifier"))
        self.assertIsNone(metadata.get_all("Requires-Dist"))  # standard library only
        self.assertTrue(any(n.endswith("LICENSE") for n in names), names)
        for module in ("__init__", "_exporter", "_flask", "_django", "_ids", "_middleware", "_spans"):
            self.assertIn("hopscope_wsgi/%s.py" % module, names)
        for module in ("__init__", "_middleware", "_loop", "_starlette", "_views"):
            self.assertIn("hopscope_asgi/%s.py" % module, names)
        self.assertFalse([n for n in names if n.startswith("tests/")])

    def test_the_installed_package_imports_and_traces_from_a_fresh_directory(self):
        script = (
            "import sys, importlib.metadata as m\n"
            "import hopscope_wsgi, hopscope_asgi\n"
            "assert hopscope_wsgi.__file__.startswith(sys.argv[1]), hopscope_wsgi.__file__\n"
            "assert hopscope_asgi.__file__.startswith(sys.argv[1]), hopscope_asgi.__file__\n"
            "app = hopscope_wsgi.HopscopeMiddleware(lambda e, s: s('200 OK', []) or [b'ok'], 'installed')\n"
            "headers = []\n"
            "body = b''.join(app({'REQUEST_METHOD': 'GET', 'PATH_INFO': '/'}, lambda status, h, exc=None: headers.extend(h)))\n"
            "print(m.version('hopscope'), body.decode(), dict(headers)['Server-Timing'].split(';')[0])\n"
        )
        # -I: neither the working directory nor PYTHONPATH, only the standard library and the target.
        env = dict(os.environ, HOPSCOPE_EXPORT="off")
        run = subprocess.run([sys.executable, "-I", "-c", "import sys; sys.path.insert(0, sys.argv[1]); exec(sys.argv[2])", self.site, script], capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stdout.split(), ["0.1.0", "ok", "gateway"])


if __name__ == "__main__":
    unittest.main()
