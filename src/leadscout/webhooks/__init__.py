"""Signed webhooks (the Standard Webhooks specification): events of a run or a monitor sent to a
user's URL through the outbox, retried with backoff over hours, signed with the endpoint's secret."""
