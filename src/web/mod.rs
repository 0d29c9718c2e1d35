//! Boards without a USB drive, reached over CircuitPython's web workflow (HTTP): the API facts are
//! in docs/domain/web-workflow.md. The board is mirrored into a local folder so the ordinary
//! stages plan on it unchanged; the plan is then carried out on the board through [`remote`].

pub mod api;
pub mod client;
mod folder_check;
pub mod mirror;
pub mod paths;
pub mod remote;
pub mod restore;

use std::borrow::Cow;
use std::path::PathBuf;

/// Everything that can go wrong talking to a board. Where the user can do something about it,
/// [`WebError::hint`] says what (printed by the edge as `hint: …`, as for [`crate::Error`]).
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("no answer from the board at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the board at {url} refused the password (401)")]
    Unauthorized { url: String },
    #[error("the board at {url} is read-only over the web: its USB drive is active")]
    ReadOnly { url: String },
    #[error("the board at {url} speaks web API version {found}; cpslim needs 4 or newer")]
    OldApi { url: String, found: u64 },
    #[error("{url}: {reason}")]
    Bad { url: String, reason: String },
    #[error("{}: {reason}", path.display())]
    Path { path: PathBuf, reason: String },
    #[error("cannot use the local folder {}: {source}", path.display())]
    Local {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub type WebResult<T> = std::result::Result<T, WebError>;

impl WebError {
    /// What the user can do about it, printed by the edge after the message.
    pub fn hint(&self) -> Option<Cow<'static, str>> {
        let hint = match self {
            WebError::Unreachable { .. } => "check that the board is on Wi-Fi and that settings.toml sets CIRCUITPY_WEB_API_PASSWORD (and the port, if not 80)",
            WebError::Unauthorized { .. } => "pass --password (or set CIRCUITPY_WEB_API_PASSWORD) to the board's CIRCUITPY_WEB_API_PASSWORD from settings.toml",
            WebError::ReadOnly { .. } => "eject CIRCUITPY from the computer it is plugged into, or disable the USB drive in boot.py (storage.disable_usb_drive()), reset the board and run cpslim again",
            WebError::OldApi { .. } => "update CircuitPython on the board",
            _ => return None,
        };
        Some(Cow::Borrowed(hint))
    }
    /// The message, then `\nhint: …` when there is a hint (a per-file failure in a report).
    pub fn text_with_hint(&self) -> String {
        crate::error::text_with_hint(self, self.hint())
    }
}

/// A `--host` that names no board.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostError {
    #[error("--host {host}: '{port}' is not a port number")]
    Port { host: String, port: String },
    #[error("--host {0}: give a host name or IP address, e.g. cpy-abc123.local or 192.168.1.20")]
    Name(String),
}

/// Where the board is and how to log in.
#[derive(Debug, Clone)]
pub struct Target {
    pub host: String,
    pub port: u16,
    pub password: String,
}

impl Target {
    /// `HOST[:PORT]`; a port in HOST wins over `--port`.
    pub fn parse(host: &str, port: u16, password: String) -> Result<Target, HostError> {
        let host = host
            .trim()
            .trim_start_matches("http://")
            .trim_end_matches('/');
        let (name, port) = match host.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (
                h,
                p.parse::<u16>().map_err(|_| HostError::Port {
                    host: host.to_string(),
                    port: p.to_string(),
                })?,
            ),
            _ => (host, port),
        };
        let ok = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !ok {
            return Err(HostError::Name(host.to_string()));
        }
        Ok(Target {
            host: name.to_string(),
            port,
            password,
        })
    }

    pub fn base_url(&self) -> String {
        format!("http://{}:{}", self.host, self.port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_port() {
        let t = Target::parse("cpy-1.local:8080", 80, String::new()).unwrap();
        assert_eq!((t.host.as_str(), t.port), ("cpy-1.local", 8080));
        let t = Target::parse("10.0.0.2", 81, String::new()).unwrap();
        assert_eq!(t.base_url(), "http://10.0.0.2:81");
        assert!(Target::parse("a/b", 80, String::new()).is_err());
        assert!(Target::parse("a:x", 80, String::new()).is_err());
    }
}
