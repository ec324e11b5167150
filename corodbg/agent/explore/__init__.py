"""Schedule exploration, the debuggee's side: one run of the program under a chosen schedule.

``timing``: timer durations scaled per timer (the timing family); ``choosers``:
which ready item runs next (the any-order family: random, PCT, a given list of
picks); ``run``: one run in a forked child, its failure and schedule;
``server``: the fork server that imports once and forks a child per run;
``words``: deviations described for a person. docs/explore.md has the why.

Standard library only: these modules run inside the debuggee.
"""
