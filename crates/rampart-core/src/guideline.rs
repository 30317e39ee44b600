//! The principles of the *Guidelines for secure AI system development* as stable IDs.
//!
//! Every finding, rule and report row names the principles it serves, so that a report
//! can be read against the guidelines section by section.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! guidelines {
    ($($variant:ident => $id:literal, $title:literal;)*) => {
        /// One principle of the guidelines, named by its stable ID (`SD-1` … `OM-4`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Guideline {
            $(
                #[doc = $title]
                $variant,
            )*
        }

        impl Guideline {
            /// Every principle, in the guidelines' order.
            pub const ALL: &'static [Guideline] = &[$(Guideline::$variant),*];

            /// The stable ID, e.g. `SD-3`.
            pub fn id(self) -> &'static str {
                match self { $(Guideline::$variant => $id),* }
            }

            /// The principle's heading in the guidelines.
            pub fn title(self) -> &'static str {
                match self { $(Guideline::$variant => $title),* }
            }
        }
    };
}

guidelines! {
    Sd1 => "SD-1", "Raise staff awareness of threats and risks";
    Sd2 => "SD-2", "Model the threats to your system";
    Sd3 => "SD-3", "Design your system for security as well as functionality and performance";
    Sd4 => "SD-4", "Consider security benefits and trade-offs when selecting your AI model";
    Dv1 => "DV-1", "Secure your supply chain";
    Dv2 => "DV-2", "Identify, track and protect your assets";
    Dv3 => "DV-3", "Document your data, models and prompts";
    Dv4 => "DV-4", "Manage your technical debt";
    Dp1 => "DP-1", "Secure your infrastructure";
    Dp2 => "DP-2", "Protect your model continuously";
    Dp3 => "DP-3", "Develop incident management procedures";
    Dp4 => "DP-4", "Release AI responsibly";
    Dp5 => "DP-5", "Make it easy for users to do the right things";
    Om1 => "OM-1", "Monitor your system's behaviour";
    Om2 => "OM-2", "Monitor your system's inputs";
    Om3 => "OM-3", "Follow a secure by design approach to updates";
    Om4 => "OM-4", "Collect and share lessons learned";
}

impl Guideline {
    /// The life-cycle section the principle belongs to.
    pub fn section(self) -> &'static str {
        match self.id().get(..2) {
            Some("SD") => "Secure design",
            Some("DV") => "Secure development",
            Some("DP") => "Secure deployment",
            _ => "Secure operation and maintenance",
        }
    }
}

impl fmt::Display for Guideline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Returned when a string is not one of the guideline IDs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownGuideline(pub String);

impl fmt::Display for UnknownGuideline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown guideline ID `{}` (expected SD-1 … OM-4)",
            self.0
        )
    }
}

impl std::error::Error for UnknownGuideline {}

impl FromStr for Guideline {
    type Err = UnknownGuideline;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Guideline::ALL
            .iter()
            .copied()
            .find(|g| g.id().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownGuideline(s.to_string()))
    }
}

impl Serialize for Guideline {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Guideline {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for g in Guideline::ALL {
            assert!(seen.insert(g.id()), "duplicate {g}");
            assert_eq!(g.id().parse::<Guideline>(), Ok(*g));
        }
        assert_eq!(Guideline::ALL.len(), 17);
        assert_eq!(Guideline::Dv1.section(), "Secure development");
        assert_eq!(Guideline::Om4.section(), "Secure operation and maintenance");
        assert!("XX-1".parse::<Guideline>().is_err());
    }
}
