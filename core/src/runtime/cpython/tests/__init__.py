"""Unit tests of gilbench's CPython driver, standard library only (`make python-test`).

From the repository root: python3 -m unittest discover -s core/src/runtime/cpython/tests
-t core/src/runtime/cpython (the driver's folder first on sys.path, as when gilbench runs it).
"""
