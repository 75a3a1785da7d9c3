"""Course tooling around nbgrader: authoring cells, executing and releasing notebooks, secrets."""
