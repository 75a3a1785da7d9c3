"""Plausible wrong answers, per exercise, that the visible tests must catch (``tests/test_wrong_answers.py``).

One module per chapter; each has ``WRONG: dict[str, list[tuple[str, str]]]``: exercise stem -> list of
(the mistake in words, the answer cell's source as a student might write it). A wrong answer keeps to
the exercise's from-scratch rule (using a forbidden built-in is caught by the rule, not by the tests'
values, and proves nothing about them) and defines the same names as the solution.
"""

from tests.wrong_answers import (advances, applications, basics, challenges_tools, introduction, model_types,
                                 training)

WRONG: dict[str, list[tuple[str, str]]] = {**introduction.WRONG, **basics.WRONG, **model_types.WRONG, **training.WRONG,
                                              **advances.WRONG, **applications.WRONG, **challenges_tools.WRONG}
