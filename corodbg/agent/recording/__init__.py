"""Recording: schedule files (record, replay), fork checkpoints for going back, the timeline export."""
