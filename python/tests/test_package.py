"""The audiogen_data package as users install it: the wheel scripts/build-wheel.mjs writes (deterministic, a valid
RECORD, the metadata of pyproject.toml) installed into a fresh venv with `pip install --no-index`, `pip install
./python` through setuptools where an index can supply it, and the examples importing the installed package."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import zipfile
from pathlib import Path

import audiogen_data

REPO = Path(__file__).resolve().parents[2]
PYTHON = REPO / 'python'
FIXTURES = REPO / 'fixtures' / 'python'


def pyproject() -> dict:
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        raise unittest.SkipTest('tomllib needs Python 3.11') from None
    return tomllib.loads((PYTHON / 'pyproject.toml').read_text())


def build_wheel(out: Path) -> Path:
    if not shutil.which('node'):
        raise unittest.SkipTest('node is not on PATH: scripts/build-wheel.mjs cannot run')
    run = subprocess.run(['node', str(REPO / 'scripts' / 'build-wheel.mjs'), '--out', str(out)], capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        raise AssertionError(f'build-wheel.mjs failed:\n{run.stderr}')
    return Path(run.stdout.strip())


def package_files() -> list:
    """What the package is made of, as pyproject.toml's [tool.setuptools] lists it."""
    files = sorted(str(p.relative_to(PYTHON)) for p in (PYTHON / 'audiogen_data').rglob('*')
                   if p.is_file() and '__pycache__' not in p.parts and (p.suffix == '.py' or p.name == 'py.typed'))
    return sorted(files + ['audiogen_stream.py'])


def venv(where: Path) -> Path:
    """A fresh venv holding pip and the machine's numpy (linked in: no index to install it from), but not the
    machine's other packages, among them an audiogen_data that .ci/run installed; skips when venv is unavailable."""
    run = subprocess.run([sys.executable, '-m', 'venv', str(where)], capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        raise unittest.SkipTest(f'python -m venv is unavailable here ({run.stderr.strip().splitlines()[-1:]}): install python3-venv')
    python = where / 'bin' / 'python'
    site = subprocess.run([str(python), '-c', 'import sysconfig; print(sysconfig.get_paths()["platlib"])'],
                          capture_output=True, text=True, timeout=60).stdout.strip()
    import numpy

    numpy_dir = Path(numpy.__file__).parent
    for path in [numpy_dir, numpy_dir.with_name('numpy.libs'), *numpy_dir.parent.glob(f'numpy-{numpy.__version__}.dist-info')]:
        if path.exists():
            os.symlink(path, Path(site) / path.name)
    return python


class InstalledTest(unittest.TestCase):
    def test_the_tests_import_the_installed_package_not_the_source_folder(self) -> None:
        if os.environ.get('AUDIOGEN_PYTHON_FROM_SOURCE'):
            self.skipTest('the test runner found no venv or pip and put python/ on PYTHONPATH')
        where = Path(audiogen_data.__file__).resolve()
        self.assertNotIn(PYTHON, where.parents, f'audiogen_data imported from the source folder: {where}')
        self.assertIn('site-packages', where.parts)

    def test_the_versions_agree(self) -> None:
        version = json.loads((REPO / 'package.json').read_text())['version']
        self.assertEqual(pyproject()['project']['version'], version)
        self.assertEqual(audiogen_data.__version__, version)


class WheelTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = Path(tempfile.mkdtemp(prefix='audiogen-wheel-'))
        cls.wheel = build_wheel(cls.tmp / 'a')

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_is_a_valid_wheel_of_the_package_with_pyprojects_metadata(self) -> None:
        meta = pyproject()
        version = meta['project']['version']
        info = f'audiogen_data-{version}.dist-info'
        self.assertEqual(self.wheel.name, f'audiogen_data-{version}-py3-none-any.whl')
        with zipfile.ZipFile(self.wheel) as z:
            self.assertIsNone(z.testzip())
            names = z.namelist()
            self.assertEqual(sorted(n for n in names if not n.startswith(info)), package_files())
            self.assertEqual(sorted(n for n in names if n.startswith(info)),
                             [f'{info}/{n}' for n in ('METADATA', 'RECORD', 'WHEEL', 'top_level.txt')])
            for name in package_files():
                self.assertEqual(z.read(name), (PYTHON / name).read_bytes(), name)
            record = z.read(f'{info}/RECORD').decode().splitlines()
            self.assertEqual(record[-1], f'{info}/RECORD,,')
            self.assertEqual(sorted(r.split(',')[0] for r in record), sorted(names))
            for row in record[:-1]:
                name, digest, size = row.split(',')
                data = z.read(name)
                want = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
                self.assertEqual((digest, int(size)), (f'sha256={want}', len(data)), name)
            wheel = z.read(f'{info}/WHEEL').decode()
            self.assertIn('Root-Is-Purelib: true\n', wheel)
            self.assertIn('Tag: py3-none-any\n', wheel)
            self.assertEqual(z.read(f'{info}/top_level.txt').decode().split(), ['audiogen_data', 'audiogen_stream'])
            headers, _, body = z.read(f'{info}/METADATA').decode().partition('\n\n')
            for i in z.infolist():
                self.assertEqual((i.date_time, i.external_attr >> 16), ((1980, 1, 1, 0, 0, 0), 0o100644), i.filename)
        fields = [tuple(line.split(': ', 1)) for line in headers.splitlines()]
        project = meta['project']
        want = [('Name', project['name']), ('Version', version), ('Summary', project['description']),
                ('Requires-Python', project['requires-python'])]
        want += [('Requires-Dist', d) for d in project['dependencies']]
        for extra, deps in project['optional-dependencies'].items():
            want += [('Provides-Extra', extra)] + [('Requires-Dist', f'{d}; extra == "{extra}"') for d in deps]
        for field in want:
            self.assertIn(field, fields)
        self.assertEqual(project['dependencies'], ['numpy>=1.20'])
        self.assertEqual(sorted(project['optional-dependencies']), ['tensorflow', 'torch'])
        self.assertEqual(body, (PYTHON / 'README.md').read_text())

    def test_the_same_sources_give_the_same_bytes(self) -> None:
        again = build_wheel(self.tmp / 'b')
        self.assertEqual(again.read_bytes(), self.wheel.read_bytes())

    def test_installs_into_a_fresh_venv_with_no_index_and_its_examples_run(self) -> None:
        python = venv(self.tmp / 'venv')
        install = subprocess.run([str(python), '-m', 'pip', 'install', '--no-index', str(self.wheel)], capture_output=True, text=True, timeout=300)
        self.assertEqual(install.returncode, 0, install.stdout + install.stderr)
        probe = 'import audiogen_data, audiogen_stream, audiogen_data.stream as s; print(audiogen_data.__file__, audiogen_stream is s)'
        run = subprocess.run([str(python), '-c', probe], capture_output=True, text=True, cwd=self.tmp, timeout=60)
        self.assertEqual(run.returncode, 0, run.stderr)
        where, same = run.stdout.split()
        self.assertTrue(Path(where).is_relative_to(self.tmp / 'venv'), where)
        self.assertEqual(same, 'True')
        cli = subprocess.run([str(python), '-m', 'audiogen_data', str(FIXTURES / 'webdataset')], capture_output=True, text=True, cwd=self.tmp, timeout=60)
        self.assertEqual(cli.returncode, 0, cli.stderr)
        self.assertIn('webdataset, categorical float32[3, 2], 3 classes, complete', cli.stdout)
        self.assertIn('all listed files match the manifest', cli.stdout)
        for build in ('npy', 'webdataset'):
            example = subprocess.run([str(python), str(REPO / 'examples' / 'train_numpy.py'), str(FIXTURES / build), '--hidden', '0'],
                                     capture_output=True, text=True, cwd=self.tmp, timeout=120)
            self.assertEqual(example.returncode, 0, example.stderr)
            self.assertRegex(example.stdout, r'final validation accuracy: \d\.\d\d \(chance \d\.\d\d, 3 classes\)')

    def test_pip_install_of_the_source_folder_installs_the_same_files(self) -> None:
        """`pip install ./python` builds with setuptools, which pip fetches from the package index."""
        source = self.tmp / 'src'
        shutil.copytree(PYTHON, source, ignore=shutil.ignore_patterns('tests', '__pycache__', 'build', '*.egg-info'))
        python = venv(self.tmp / 'src-venv')
        install = subprocess.run([str(python), '-m', 'pip', 'install', str(source)], capture_output=True, text=True, timeout=300)
        if install.returncode != 0:
            if 'setuptools' in install.stdout + install.stderr and 'ERROR: ' in install.stderr:
                self.skipTest(f'pip install ./python needs setuptools>=77 from a package index: {install.stderr.strip().splitlines()[-1]}')
            self.fail(install.stdout + install.stderr)
        site = subprocess.run([str(python), '-c', 'import audiogen_data, os; print(os.path.dirname(os.path.dirname(audiogen_data.__file__)))'],
                              capture_output=True, text=True, cwd=self.tmp, timeout=60).stdout.strip()
        self.assertTrue(Path(site).is_relative_to(self.tmp / 'src-venv'), site)
        for name in package_files():
            self.assertEqual((Path(site) / name).read_bytes(), (PYTHON / name).read_bytes(), name)
        installed = subprocess.run([str(python), '-c', 'import importlib.metadata as m; print("\\n".join(sorted(str(f) for f in m.files("audiogen-data"))))'],
                                   capture_output=True, text=True, timeout=60).stdout.split()
        self.assertEqual([f for f in installed if f.endswith(('.py', '.typed'))], package_files())

    def test_an_example_without_the_package_says_how_to_install_it(self) -> None:
        code = ("import runpy, sys; sys.modules['audiogen_data'] = None; sys.argv = ['train_numpy.py', 'out'];"
                f"runpy.run_path({str(REPO / 'examples' / 'train_numpy.py')!r}, run_name='__main__')")
        run = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 1)
        self.assertIn('the audiogen_data package is not installed: pip install ./python', run.stderr)
        self.assertIn('pip install --no-index dist/python/audiogen_data-*.whl', run.stderr)


if __name__ == '__main__':
    unittest.main()
