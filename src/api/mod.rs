//! The typed API layer: requests, responses and errors for GKLM and CCKM.
