"""The counter's screens: each owns its flow and its stylesheet beside it."""
