//! A bounded parser for the Python literals NumPy writes in `.npy` headers: dicts,
//! lists, tuples, strings, integers, booleans and `None`. Like `ast.literal_eval`, it
//! evaluates nothing.

use std::fmt;

/// A Python literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// `None`.
    None,
    /// `True` / `False`.
    Bool(bool),
    /// An integer (saturating).
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// A list.
    List(Vec<Lit>),
    /// A tuple.
    Tuple(Vec<Lit>),
    /// A dict.
    Dict(Vec<(Lit, Lit)>),
}

impl fmt::Display for Lit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lit::None => f.write_str("None"),
            Lit::Bool(b) => f.write_str(if *b { "True" } else { "False" }),
            Lit::Int(i) => write!(f, "{i}"),
            Lit::Float(x) => write!(f, "{x}"),
            Lit::Str(s) => write!(f, "'{s}'"),
            Lit::List(items) | Lit::Tuple(items) => {
                f.write_str("(")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str(")")
            }
            Lit::Dict(_) => f.write_str("{…}"),
        }
    }
}

const MAX_DEPTH: usize = 32;

/// Parses one literal spanning the whole input.
pub fn parse(text: &str) -> Result<Lit, String> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
    };
    let v = p.value(0)?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!("unexpected text at {}", p.i));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }

    fn value(&mut self, depth: usize) -> Result<Lit, String> {
        if depth > MAX_DEPTH {
            return Err("literal nested too deeply".into());
        }
        match self.peek().ok_or("unexpected end")? {
            b'{' => self
                .seq(b'}', depth, true)
                .map(|(_, pairs)| Lit::Dict(pairs)),
            b'[' => self
                .seq(b']', depth, false)
                .map(|(items, _)| Lit::List(items)),
            b'(' => self
                .seq(b')', depth, false)
                .map(|(items, _)| Lit::Tuple(items)),
            b'\'' | b'"' => self.string(),
            b'-' | b'0'..=b'9' => self.number(),
            _ => {
                let start = self.i;
                while self.s.get(self.i).is_some_and(|b| b.is_ascii_alphabetic()) {
                    self.i += 1;
                }
                match self.s.get(start..self.i) {
                    Some(b"None") => Ok(Lit::None),
                    Some(b"True") => Ok(Lit::Bool(true)),
                    Some(b"False") => Ok(Lit::Bool(false)),
                    _ => Err(format!("unexpected token at {start}")),
                }
            }
        }
    }

    #[allow(clippy::type_complexity)]
    fn seq(
        &mut self,
        close: u8,
        depth: usize,
        dict: bool,
    ) -> Result<(Vec<Lit>, Vec<(Lit, Lit)>), String> {
        self.i += 1;
        let mut items = Vec::new();
        let mut pairs = Vec::new();
        loop {
            if self.peek() == Some(close) {
                self.i += 1;
                return Ok((items, pairs));
            }
            let v = self.value(depth + 1)?;
            if dict {
                if self.peek() != Some(b':') {
                    return Err("expected ':' in dict".into());
                }
                self.i += 1;
                let w = self.value(depth + 1)?;
                pairs.push((v, w));
            } else {
                items.push(v);
            }
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(c) if c == close => {}
                _ => return Err(format!("expected ',' or closing bracket at {}", self.i)),
            }
        }
    }

    fn string(&mut self) -> Result<Lit, String> {
        let quote = self.s.get(self.i).copied().ok_or("unexpected end")?;
        self.i += 1;
        let mut out = String::new();
        loop {
            let b = self.s.get(self.i).copied().ok_or("unterminated string")?;
            self.i += 1;
            match b {
                b'\\' => {
                    let e = self.s.get(self.i).copied().ok_or("unterminated string")?;
                    self.i += 1;
                    out.push(char::from(e));
                }
                _ if b == quote => return Ok(Lit::Str(out)),
                _ => out.push(char::from(b)),
            }
        }
    }

    fn number(&mut self) -> Result<Lit, String> {
        let start = self.i;
        while self.s.get(self.i).is_some_and(|b| {
            b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'L')
        }) {
            self.i += 1;
        }
        let text = std::str::from_utf8(self.s.get(start..self.i).unwrap_or_default())
            .map_err(|_| "bad number")?
            .trim_end_matches('L');
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Lit::Int(i));
        }
        if text.bytes().all(|b| b.is_ascii_digit() || b == b'-') && !text.is_empty() {
            return Ok(Lit::Int(if text.starts_with('-') {
                i64::MIN
            } else {
                i64::MAX
            }));
        }
        text.parse::<f64>()
            .map(Lit::Float)
            .map_err(|_| format!("bad number {text:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_npy_headers() {
        let lit = parse("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }").unwrap();
        let Lit::Dict(pairs) = lit else { panic!() };
        assert_eq!(pairs.len(), 3);
        assert_eq!(pairs[2].1, Lit::Tuple(vec![Lit::Int(3), Lit::Int(4)]));
        assert!(parse("{'a': [('x', '|O')]}").is_ok());
        assert!(parse("{'a': }").is_err());
        assert!(parse("__import__('os')").is_err());
        assert!(parse(&"(".repeat(100)).is_err());
        assert!(parse("'unterminated").is_err());
    }
}
