# SPDX-License-Identifier: GPL-2.0
# Sphinx configuration of the layer's documentation (make docs).
project = "pvlayer: the paravirt layer"
copyright = "the pvlayer developers"
extensions = []
master_doc = "index"
exclude_patterns = ["_build"]
html_theme = "alabaster"
