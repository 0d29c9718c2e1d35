//! A small blocking HTTP client for one board: Basic auth with an empty user, timeouts, bounded
//! retries on dropped connections, and one redirect hop (`circuitpython.local` answers 307 to the
//! board's own name) that keeps the password, which general clients drop when the host changes.

use std::cell::RefCell;
use std::time::Duration;

use super::{Target, WebError, WebResult};

/// Largest answer read from a board (its whole flash is a few MiB).
const MAX_BODY: u64 = 64 << 20;
/// Attempts for requests that are safe to repeat.
pub const ATTEMPTS: u32 = 3;

pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Told (bytes sent, bytes in all) as an upload goes out.
pub type UploadProgress = Box<dyn Fn(u64, u64)>;

pub struct Client {
    agent: ureq::Agent,
    upload_progress: Option<UploadProgress>,
    /// `http://host:port`, replaced once if the board redirects to its own name.
    base: RefCell<String>,
    auth: String,
}

impl Client {
    pub fn new(target: &Target) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .allow_non_standard_methods(true)
            // The firmware closes the connection after every reply.
            .max_idle_connections(0)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_recv_response(Some(Duration::from_secs(60)))
            // Wi-Fi uploads run at tens of KB/s; a whole file may take minutes.
            .timeout_send_body(Some(Duration::from_secs(600)))
            .timeout_recv_body(Some(Duration::from_secs(600)))
            .build()
            .new_agent();
        Client {
            agent,
            upload_progress: None,
            base: RefCell::new(target.base_url()),
            auth: format!(
                "Basic {}",
                base64(format!(":{}", target.password).as_bytes())
            ),
        }
    }

    /// Report upload progress (uploads over Wi-Fi run at tens of KB/s).
    pub fn on_upload(&mut self, f: UploadProgress) {
        self.upload_progress = Some(f);
    }

    pub fn base_url(&self) -> String {
        self.base.borrow().clone()
    }

    /// Send one request. Transport failures are retried `attempts` times in all; 401 and 409
    /// become their own errors (nothing is retried for them).
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        body: Option<&[u8]>,
        attempts: u32,
    ) -> WebResult<Reply> {
        let mut last = String::new();
        let mut hops = 0;
        let mut tries = 0;
        while tries < attempts.max(1) {
            tries += 1;
            let url = format!("{}{}", self.base.borrow(), path);
            match self.once(method, &url, headers, body) {
                Ok((reply, location)) => {
                    if matches!(reply.status, 301 | 302 | 307 | 308) && hops == 0 {
                        if let Some(origin) = location.as_deref().and_then(origin_of) {
                            hops += 1;
                            tries -= 1;
                            *self.base.borrow_mut() = origin;
                            continue;
                        }
                    }
                    return match reply.status {
                        401 => Err(WebError::Unauthorized { url }),
                        409 => Err(WebError::ReadOnly { url }),
                        _ => Ok(reply),
                    };
                }
                Err(e) => {
                    last = e.to_string();
                    if tries < attempts {
                        std::thread::sleep(Duration::from_millis(300 * u64::from(tries)));
                    }
                }
            }
        }
        Err(WebError::Unreachable {
            url: format!("{}{}", self.base.borrow(), path),
            reason: last,
        })
    }

    fn once(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, String)],
        body: Option<&[u8]>,
    ) -> Result<(Reply, Option<String>), SendError> {
        let method = ureq::http::Method::from_bytes(method.as_bytes())?;
        let mut req = ureq::http::Request::builder()
            .method(method)
            .uri(url)
            .header("Authorization", &self.auth);
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        let sent = match body {
            Some(b) => {
                // The firmware takes no chunked bodies: the length is sent up front.
                let mut reader = Counting {
                    bytes: b,
                    pos: 0,
                    progress: self.upload_progress.as_deref(),
                };
                let r = req
                    .header("Content-Length", b.len().to_string())
                    .body(ureq::SendBody::from_reader(&mut reader))?;
                self.agent.run(r)
            }
            None => self.agent.run(req.body(())?),
        };
        let mut resp = sent?;
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = resp
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()?;
        Ok((Reply { status, body }, location))
    }
}

/// Why one request got no answer (the text goes into [`WebError::Unreachable`]).
#[derive(Debug, thiserror::Error)]
enum SendError {
    #[error("{0}")]
    Method(#[from] ureq::http::method::InvalidMethod),
    #[error("{0}")]
    Request(#[from] ureq::http::Error),
    #[error("{0}")]
    Transport(#[from] ureq::Error),
}

/// An upload body that reports how much has gone out.
struct Counting<'a> {
    bytes: &'a [u8],
    pos: usize,
    progress: Option<&'a dyn Fn(u64, u64)>,
}

impl std::io::Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        let n = rest.len().min(buf.len()).min(16 << 10);
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        if let Some(p) = self.progress {
            p(self.pos as u64, self.bytes.len() as u64);
        }
        Ok(n)
    }
}

/// `http://name[:port]` of a redirect target. The password goes along, so only a board on the
/// local network is followed: an mDNS `.local` name or a private, link-local or loopback address.
fn origin_of(location: &str) -> Option<String> {
    let rest = location.strip_prefix("http://")?;
    let host = rest.split('/').next()?;
    let t = Target::parse(host, 80, String::new()).ok()?;
    let local = match t.host.parse::<std::net::Ipv4Addr>() {
        Ok(ip) => ip.is_private() || ip.is_link_local() || ip.is_loopback(),
        Err(_) => t.host.to_ascii_lowercase().ends_with(".local"),
    };
    local.then(|| t.base_url())
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_encoding() {
        assert_eq!(base64(b":secret"), "OnNlY3JldA==");
        assert_eq!(base64(b":ab"), "OmFi");
        assert_eq!(base64(b":a"), "OmE=");
    }

    #[test]
    fn uploads_report_their_progress() {
        use std::io::Read;
        let seen = std::cell::RefCell::new(Vec::new());
        let record = |sent: u64, total: u64| seen.borrow_mut().push((sent, total));
        let body = vec![7u8; 40 << 10];
        let mut r = Counting {
            bytes: &body,
            pos: 0,
            progress: Some(&record),
        };
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, body);
        let seen = seen.borrow();
        assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "{seen:?}");
        assert!(seen.iter().all(|&(sent, total)| sent <= total));
        assert_eq!(seen.last(), Some(&(40 << 10, 40 << 10)));
    }

    #[test]
    fn redirect_origin() {
        assert_eq!(
            origin_of("http://cpy-abc.local/cp/version.json").as_deref(),
            Some("http://cpy-abc.local:80")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8081/x").as_deref(),
            Some("http://127.0.0.1:8081")
        );
        assert!(origin_of("https://evil.example/").is_none());
        assert!(origin_of("http://evil.example/cp/version.json").is_none());
        assert!(origin_of("http://8.8.8.8/").is_none());
        assert_eq!(
            origin_of("http://192.168.1.20:8080/").as_deref(),
            Some("http://192.168.1.20:8080")
        );
    }
}
