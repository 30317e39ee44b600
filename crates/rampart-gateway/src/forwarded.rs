//! The client's address behind proxies: `X-Forwarded-For` is believed only from the
//! proxies named in `[gateway] trusted_proxies`, and only as far back as the chain
//! runs through them.
//!
//! Each proxy appends the address that connected to it, so the header reads
//! `client, proxy1, proxy2` and the connection comes from the last proxy. Walking from
//! the right, every address is the one that connected to the hop before; the first one
//! that is not a trusted proxy is the client. Anything left of it was written by the
//! client and is ignored: a client cannot choose its address by sending the header
//! itself. A malformed entry stops the walk at the last address known to be real.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;
use ipnet::IpNet;

/// At most this many `X-Forwarded-For` entries are read, from the right.
pub const MAX_HOPS: usize = 16;

/// Parses `trusted_proxies` entries: addresses (`10.0.0.7`, `::1`) or CIDR ranges
/// (`10.0.0.0/8`).
pub fn parse_trusted(entries: &[String]) -> Result<Vec<IpNet>, String> {
    entries
        .iter()
        .map(|e| {
            let e = e.trim();
            e.parse::<IpNet>()
                .or_else(|_| e.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("{e:?} is not an IP address or CIDR range"))
        })
        .collect()
}

/// The client's address for a connection from `peer`.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(&ip));
    let mut client = peer.to_canonical();
    if !is_trusted(client) {
        return client;
    }
    // from the last header line's last entry backwards, at most MAX_HOPS entries
    let hops = headers
        .get_all("x-forwarded-for")
        .iter()
        .rev()
        // an unreadable line reads as one empty, malformed entry
        .flat_map(|line| line.to_str().unwrap_or("").rsplit(','))
        .take(MAX_HOPS);
    for hop in hops {
        let Some(ip) = parse_hop(hop.trim()) else {
            return client;
        };
        client = ip;
        if !is_trusted(ip) {
            return ip;
        }
    }
    client
}

/// An entry: an address, with or without a port (`203.0.113.7:4711`, `[2001:db8::1]:443`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

/// Entry point for the `gateway_forwarded` fuzz target: the first 16 bytes are the peer
/// (an IPv6 address, maybe IPv4-mapped), the rest are `X-Forwarded-For` lines split at
/// `\n`. Panics if the client is neither the peer nor an address from the header.
#[doc(hidden)]
pub fn fuzz_client_ip(data: &[u8]) {
    let Some((peer, rest)) = data.split_first_chunk::<16>() else {
        return;
    };
    let peer = IpAddr::from(*peer);
    let mut headers = HeaderMap::new();
    for line in rest.split(|&b| b == b'\n') {
        if let Ok(v) = axum::http::HeaderValue::from_bytes(line) {
            headers.append("x-forwarded-for", v);
        }
    }
    let trusted = [
        IpNet::from(peer),
        "10.0.0.0/8".parse().unwrap_or(IpNet::from(peer)),
        "::ffff:0:0/96".parse().unwrap_or(IpNet::from(peer)),
    ];
    let client = client_ip(peer, &headers, &trusted);
    let from_header = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|t| t.split(','))
        .filter_map(|h| parse_hop(h.trim()))
        .any(|ip| ip == client);
    assert!(
        client == peer.to_canonical() || from_header,
        "{client} came from nowhere"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn headers(lines: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for l in lines {
            h.append("x-forwarded-for", HeaderValue::from_str(l).unwrap());
        }
        h
    }

    fn trusted() -> Vec<IpNet> {
        parse_trusted(&["10.0.0.0/8".into(), "127.0.0.1".into()]).unwrap()
    }

    #[test]
    fn the_header_is_believed_only_from_trusted_proxies() {
        let h = headers(&["198.51.100.9"]);
        // a client sending the header itself gets its own address
        assert_eq!(
            client_ip(ip("203.0.113.5"), &h, &trusted()),
            ip("203.0.113.5")
        );
        // nothing is trusted by default
        assert_eq!(client_ip(ip("10.0.0.2"), &h, &[]), ip("10.0.0.2"));
        // through the load balancer
        assert_eq!(
            client_ip(ip("10.0.0.2"), &h, &trusted()),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn the_right_most_untrusted_address_is_the_client() {
        // the client wrote "1.2.3.4" itself; the real chain is client -> 10.1.1.1 -> us
        let h = headers(&["1.2.3.4, 198.51.100.9", "10.1.1.1"]);
        assert_eq!(
            client_ip(ip("10.0.0.2"), &h, &trusted()),
            ip("198.51.100.9")
        );
        // ports and IPv6 forms
        let h = headers(&["[2001:db8::7]:443, 10.0.0.3:80"]);
        assert_eq!(
            client_ip(ip("127.0.0.1"), &h, &trusted()),
            ip("2001:db8::7")
        );
        // an IPv4-mapped IPv6 peer is its IPv4 address
        let h = headers(&["198.51.100.9"]);
        assert_eq!(
            client_ip(ip("::ffff:10.0.0.2"), &h, &trusted()),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn malformed_or_missing_entries_stop_at_the_last_real_address() {
        let h = headers(&["198.51.100.9, unknown, 10.0.0.4"]);
        assert_eq!(client_ip(ip("10.0.0.2"), &h, &trusted()), ip("10.0.0.4"));
        assert_eq!(
            client_ip(ip("10.0.0.2"), &headers(&[]), &trusted()),
            ip("10.0.0.2")
        );
        assert_eq!(
            client_ip(ip("10.0.0.2"), &headers(&[""]), &trusted()),
            ip("10.0.0.2")
        );
        // a chain of only trusted proxies ends at its left-most one
        let h = headers(&["10.9.9.9, 10.0.0.4"]);
        assert_eq!(client_ip(ip("10.0.0.2"), &h, &trusted()), ip("10.9.9.9"));
        // a long chain is read only MAX_HOPS entries from the right
        let long = vec!["10.0.0.5"; MAX_HOPS + 5].join(", ");
        let h = headers(&[&format!("198.51.100.9, {long}")]);
        assert_eq!(client_ip(ip("10.0.0.2"), &h, &trusted()), ip("10.0.0.5"));
    }

    #[test]
    fn trusted_entries_are_addresses_or_ranges() {
        assert!(
            parse_trusted(&["10.0.0.0/8".into(), "::1".into(), " 192.168.1.1 ".into()]).is_ok()
        );
        assert!(parse_trusted(&["10.0.0.0/33".into()]).is_err());
        assert!(parse_trusted(&["proxy.internal".into()]).is_err());
    }
}
