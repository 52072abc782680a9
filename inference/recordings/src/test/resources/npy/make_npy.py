#!/usr/bin/python3
"""Writes small .npy files with NumPy's own writer, one per case the reader must handle.

Run from this folder: /usr/bin/python3 make_npy.py. Every array holds the values 0, 1, 2, ... in C order of its
shape (as float, uint8 or int), so a reader that gets byte order or axis order wrong sees different numbers.
"""
import numpy as np
from numpy.lib import format as npy_format

values = np.arange(24).reshape(2, 3, 4)
np.save("f8_little_c.npy", values.astype("<f8"))
np.save("f8_big_c.npy", values.astype(">f8"))
np.save("f4_little_fortran.npy", np.asfortranarray(values.astype("<f4")))
np.save("f4_big_fortran.npy", np.asfortranarray(values.astype(">f4")))
np.save("u1_c.npy", values.astype(np.uint8))
np.save("i8_scalar.npy", np.int64(7))
np.save("tiers_little.npy", np.array(["train", "oracle", "none", "final_test_main"], dtype="<U15"))
np.save("tiers_big.npy", np.array(["train", "oracle", "none", "final_test_main"], dtype=">U15"))
with open("f8_version2.npy", "wb") as f:
    npy_format.write_array(f, values.astype("<f8"), version=(2, 0))
