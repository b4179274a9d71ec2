"""Completion rules and certificates: who has completed a class, the certificates they get
(frozen, signed, verifiable by anyone), the register, bulk files, and public verification."""
