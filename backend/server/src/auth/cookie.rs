//! The refresh-token cookie. The page (Vercel) and the API (Fly) are different sites, so in
//! production the cookie is `Secure; SameSite=None; Partitioned` (CHIPS: kept per top-level site,
//! which is the page's); in development it is `SameSite=Strict` without `Secure`, so plain-http
//! `localhost` works (all localhost ports are one site). Always `HttpOnly`, always scoped to
//! `/api/v1/auth`, so scripts never read it and no other route ever receives it.

use poem::{Request, http::header};

/// The cookie's name.
pub const NAME: &str = "vinbot_refresh";
/// The only path the browser sends it to.
pub const PATH: &str = "/api/v1/auth";

/// How the cookie is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookiePolicy {
    cross_site: bool,
}

impl CookiePolicy {
    /// Cross-site (`production`) or same-site (development) attributes.
    pub fn for_env(production: bool) -> Self {
        Self {
            cross_site: production,
        }
    }

    /// `Set-Cookie` carrying `token` for `max_age_secs`.
    pub fn set(&self, token: &str, max_age_secs: i64) -> String {
        format!(
            "{NAME}={token}; Path={PATH}; Max-Age={}; HttpOnly; {}",
            max_age_secs.max(0),
            self.attributes()
        )
    }

    /// `Set-Cookie` deleting the cookie.
    pub fn clear(&self) -> String {
        format!(
            "{NAME}=; Path={PATH}; Max-Age=0; HttpOnly; {}",
            self.attributes()
        )
    }

    fn attributes(&self) -> &'static str {
        if self.cross_site {
            "Secure; SameSite=None; Partitioned"
        } else {
            "SameSite=Strict"
        }
    }
}

/// The refresh token from the request's `Cookie` headers.
pub fn read(req: &Request) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == NAME)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_cookies_are_cross_site_and_development_ones_same_site() {
        let prod = CookiePolicy::for_env(true).set("vbr_x", 60);
        assert_eq!(
            prod,
            "vinbot_refresh=vbr_x; Path=/api/v1/auth; Max-Age=60; HttpOnly; Secure; SameSite=None; Partitioned"
        );
        let dev = CookiePolicy::for_env(false).clear();
        assert_eq!(
            dev,
            "vinbot_refresh=; Path=/api/v1/auth; Max-Age=0; HttpOnly; SameSite=Strict"
        );
    }

    #[test]
    fn the_cookie_is_found_among_others() {
        let req = Request::builder()
            .header(header::COOKIE, "a=1; vinbot_refresh=vbr_abc ; b=2")
            .finish();
        assert_eq!(read(&req).as_deref(), Some("vbr_abc"));
        let none = Request::builder().header(header::COOKIE, "a=1").finish();
        assert_eq!(read(&none), None);
    }
}
