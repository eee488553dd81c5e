"""Telling people what the warehouse found: feedback to units, reminders, digests, engineer alerts."""
