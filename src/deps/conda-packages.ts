// Which conda packages pip can install (and under which PyPI name), and which cannot be pip requirements.

import type { CondaPackageKind } from './env-spec.js';

/** conda names whose PyPI project is named differently. Everything else keeps its name. */
export const CONDA_TO_PYPI: Readonly<Record<string, string>> = Object.freeze({
  pytorch: 'torch',
  'pytorch-cpu': 'torch',
  'py-xgboost': 'xgboost',
  'py-xgboost-cpu': 'xgboost',
  'py-lightgbm': 'lightgbm',
  // conda's tensorflow-gpu is a metapackage; PyPI's is an empty release that refuses to install.
  'tensorflow-gpu': 'tensorflow',
  'tensorflow-base': 'tensorflow',
  pytables: 'tables',
  'matplotlib-base': 'matplotlib',
  'msgpack-python': 'msgpack',
  'python-graphviz': 'graphviz',
  'python-kaleido': 'kaleido',
  pyqt: 'PyQt5',
  // The images have no display: the headless OpenCV wheel is the one that fits.
  opencv: 'opencv-python-headless',
  'py-opencv': 'opencv-python-headless',
  'faiss-cpu': 'faiss-cpu',
  faiss: 'faiss-cpu',
  'pytorch-lightning': 'pytorch-lightning',
  ruamel_yaml: 'ruamel.yaml',
  typing_extensions: 'typing-extensions',
});

// Packages that need conda's binaries and have no pip equivalent worth the name.
const CONDA_ONLY = new Set([
  'mkl',
  'mkl-service',
  'mkl_fft',
  'mkl_random',
  'mkl-include',
  'mkl-devel',
  'r-base',
  'r-essentials',
  'rpy2',
  'ffmpeg',
  'gdal',
  'libgdal',
  'proj',
  'geos',
  'graphviz',
  'poppler',
  'tesseract',
  'hdf5',
  'openjdk',
  'nodejs',
  'git',
  'make',
  'gcc',
  'gxx',
  'gfortran',
  'compilers',
  'c-compiler',
  'cxx-compiler',
  'fortran-compiler',
  'openmpi',
  'mpich',
  'cudf',
  'cuml',
  'rapids',
]);

// NVIDIA's libraries and the metapackages that select them.
const CUDA = new Set(['cudatoolkit', 'cudatoolkit-dev', 'cudnn', 'nccl', 'pytorch-cuda', 'cuda', 'cupti', 'cutensor']);

// Python's own runtime, the libraries every slim python image has, and native libraries that pip wheels
// bundle (numpy bundles OpenBLAS, pillow libjpeg…). Full `conda env export`s list all of them.
const PROVIDED = new Set([
  'ca-certificates',
  'openssl',
  'ncurses',
  'readline',
  'sqlite',
  'tk',
  'xz',
  'zlib',
  'bzip2',
  'expat',
  'tzdata',
  'ld_impl_linux-64',
  'ld_impl_linux-aarch64',
  'python_abi',
  'pip',
  'intel-openmp',
  'llvm-openmp',
  'blas',
  'openblas',
  'numpy-base',
  'cpuonly',
  'pytorch-mutex',
  'zstd',
  'lz4-c',
  'icu',
  'krb5',
  'c-ares',
  'jpeg',
  'freetype',
  'fontconfig',
  'lcms2',
  'openjpeg',
  'brotli',
  'brotli-bin',
  'giflib',
  'pcre',
  'pcre2',
  'yaml',
  'zeromq',
  'gettext',
  'glib',
  'dbus',
  'arrow-cpp',
  'tbb',
  'gmp',
  'mpfr',
  'mpc',
]);

// Python packages whose names start with "lib" like the native libraries do.
const PYTHON_LIB_PACKAGES = new Set(['librosa', 'libcst', 'libpysal', 'libclang', 'libsass', 'libsvm-official']);

/** How a conda package is treated: a pip requirement (with its PyPI name), or one of the kinds that is not. */
export function classifyCondaPackage(name: string): { kind: 'pip'; pypiName: string } | { kind: CondaPackageKind } {
  const lower = name.toLowerCase();
  if (
    CUDA.has(lower) ||
    lower.startsWith('cuda-') ||
    lower.startsWith('libcu') ||
    lower.startsWith('libnv') ||
    lower.startsWith('magma-cuda')
  ) {
    return { kind: 'cuda' };
  }
  if (CONDA_ONLY.has(lower) || lower.startsWith('r-')) return { kind: 'conda-only' };
  // `_libgcc_mutex`, `_openmp_mutex`…, and native `lib*` packages (libgcc-ng, libffi, libprotobuf…).
  if (PROVIDED.has(lower) || lower.startsWith('_') || (lower.startsWith('lib') && !PYTHON_LIB_PACKAGES.has(lower)))
    return { kind: 'provided' };
  return { kind: 'pip', pypiName: CONDA_TO_PYPI[lower] ?? lower };
}
