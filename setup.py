"""Build script for the one optional compiled helper (everything else is in pyproject.toml).

``piguard.ner._viterbi`` decodes the name/address tagger's CRF in C.  It is optional: where no
C compiler is available the install still succeeds and piguard uses the numpy decoder, which
gives the same paths (tests compare the two).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("piguard.ner._viterbi", ["src/piguard/ner/_viterbi.c"],
                             optional=True, extra_compile_args=["-O2"])])
