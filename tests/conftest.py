from hypothesis import HealthCheck, Phase, settings

settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")
# scripts/mutation: few, reproducible examples, so a mutant's verdict does not depend on luck, and
# no shrinking (a mutant is killed by the first failing example; shrinking only costs time).
# The boundary tables do most of the killing; the properties add what the tables miss.
settings.register_profile("mutation", max_examples=8, deadline=None, derandomize=True, database=None,
                          phases=[Phase.explicit, Phase.reuse, Phase.generate],
                          suppress_health_check=[HealthCheck.too_slow])
