//! Who a request is charged to. `X-Forwarded-For` is never read: its leftmost entry is whatever
//! the client wrote. Behind Fly's proxy `Fly-Client-IP` is set by the proxy itself (and
//! overwritten when a client sends one), so it is trusted only when `TRUST_FLY_CLIENT_IP=true`.

use std::net::{IpAddr, Ipv6Addr};

use poem::Request;
use uuid::Uuid;

/// Header Fly's proxy sets to the client's address.
pub const FLY_CLIENT_IP: &str = "fly-client-ip";

/// A rate-limit bucket owner.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientId(String);

impl ClientId {
    /// A valid API key (by id, never by secret).
    pub fn api_key(id: Uuid) -> Self {
        Self(format!("k:{id}"))
    }

    /// An anonymous client by address: `Fly-Client-IP` when trusted and valid, else the peer.
    /// `None` when the connection has no IP address (e.g. a Unix socket in tests).
    pub fn anonymous(req: &Request, trust_fly_client_ip: bool) -> Option<Self> {
        let fly = trust_fly_client_ip
            .then(|| req.headers().get(FLY_CLIENT_IP))
            .flatten()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<IpAddr>().ok());
        let ip = fly.or_else(|| req.remote_addr().as_socket_addr().map(|a| a.ip()))?;
        Some(Self::ip(ip))
    }

    /// An address; IPv6 clients are grouped by /64, since one host usually holds a whole /64.
    pub fn ip(ip: IpAddr) -> Self {
        match ip.to_canonical() {
            IpAddr::V4(v4) => Self(format!("ip:{v4}")),
            IpAddr::V6(v6) => {
                let s = v6.segments();
                let net = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                Self(format!("ip:{net}/64"))
            }
        }
    }

    /// The bucket name (no secrets).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_is_grouped_by_64_and_mapped_v4_is_v4() {
        let a = ClientId::ip("2001:db8:1:2:aaaa::1".parse().expect("ip"));
        let b = ClientId::ip("2001:db8:1:2:bbbb::2".parse().expect("ip"));
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "ip:2001:db8:1:2::/64");
        let mapped = ClientId::ip("::ffff:10.1.2.3".parse().expect("ip"));
        assert_eq!(mapped.as_str(), "ip:10.1.2.3");
    }

    #[test]
    fn forwarded_for_is_ignored_and_fly_header_only_when_trusted() {
        let req = Request::builder()
            .header("x-forwarded-for", "203.0.113.9")
            .header(FLY_CLIENT_IP, "198.51.100.7")
            .finish();
        // poem's test requests have no peer address.
        assert_eq!(ClientId::anonymous(&req, false), None);
        assert_eq!(
            ClientId::anonymous(&req, true).map(|c| c.0),
            Some("ip:198.51.100.7".to_owned())
        );
    }
}
