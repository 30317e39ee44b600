//! Parsers for model-file formats. Each produces an intermediate representation that
//! the rules in [`crate::rules`] judge; none of them executes or imports anything.

pub mod pickle;
