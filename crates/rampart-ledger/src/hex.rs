//! The serde adapters that put hashes in JSON as lowercase hex (the `hex` crate).

use crate::merkle::{Hash, HASH_LEN};

/// Decodes a 64-character hex string into a [`Hash`].
#[must_use]
pub fn decode_hash(s: &str) -> Option<Hash> {
    Hash::try_from(::hex::decode(s).ok()?.as_slice()).ok()
}

/// `#[serde(with = "…")]` adapter: a [`Hash`] as a lowercase hex string.
pub mod serde_hash {
    use super::{decode_hash, Hash, HASH_LEN};
    use ::hex::encode;
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    /// Serialises as lowercase hex.
    pub fn serialize<S: Serializer>(h: &Hash, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&encode(h))
    }

    /// Deserialises from hex (64 characters).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Hash, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        decode_hash(&s)
            .ok_or_else(|| D::Error::custom(format!("expected {} hex characters", HASH_LEN * 2)))
    }
}

/// `#[serde(with = "…")]` adapter: a `Vec<Hash>` as a list of hex strings.
pub mod serde_hashes {
    use super::{decode_hash, Hash};
    use ::hex::encode;
    use serde::{de::Error, ser::SerializeSeq, Deserialize, Deserializer, Serializer};

    /// Serialises as a list of lowercase hex strings.
    pub fn serialize<S: Serializer>(v: &[Hash], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for h in v {
            seq.serialize_element(&encode(h))?;
        }
        seq.end()
    }

    /// Deserialises from a list of hex strings.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Hash>, D::Error> {
        let v = Vec::<String>::deserialize(d)?;
        v.iter()
            .map(|s| {
                decode_hash(s).ok_or_else(|| D::Error::custom("expected a 64-character hex hash"))
            })
            .collect()
    }
}

/// `#[serde(with = "…")]` adapter: an `Option<Hash>` as a hex string (absent when `None`).
pub mod serde_opt_hash {
    use super::{decode_hash, Hash};
    use ::hex::encode;
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    /// Serialises `Some` as lowercase hex (pair with `skip_serializing_if = "Option::is_none"`).
    pub fn serialize<S: Serializer>(h: &Option<Hash>, s: S) -> Result<S::Ok, S::Error> {
        match h {
            Some(h) => s.serialize_str(&encode(h)),
            None => s.serialize_none(),
        }
    }

    /// Deserialises from hex or null.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Hash>, D::Error> {
        let v = Option::<String>::deserialize(d)?;
        v.map(|s| {
            decode_hash(&s).ok_or_else(|| D::Error::custom("expected a 64-character hex hash"))
        })
        .transpose()
    }
}
