"""Judging what was read: criteria verdicts with evidence, company facts, decision makers, mailboxes."""
