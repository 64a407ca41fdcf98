//! The languages the panel speaks.
