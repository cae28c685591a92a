"""Seeded defects: a catalogue of realistic regressions the harness's own checks must catch.

``catalogue.yaml`` lists them; ``harness.mutants.runner`` applies each one to a temporary copy
of the tree, runs the chaos scenarios it names there, and writes the catch matrix.
"""
