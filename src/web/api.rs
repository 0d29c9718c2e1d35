//! The web workflow's routes, typed. Answers are untrusted: bad JSON or odd names become errors
//! naming the URL, never panics.

use std::path::Path;

use serde::Deserialize;

use super::client::{Client, Reply, ATTEMPTS};
use super::paths::fs_url;
use super::{WebError, WebResult};

#[derive(Debug, Clone, Deserialize)]
pub struct Version {
    #[serde(default)]
    pub web_api_version: u64,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub board_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Listing {
    #[serde(default)]
    pub free: u64,
    #[serde(default)]
    pub total: u64,
    #[serde(default)]
    pub block_size: u64,
    #[serde(default = "yes")]
    pub writable: bool,
    #[serde(default)]
    pub files: Vec<Listed>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
pub struct Listed {
    pub name: String,
    #[serde(default)]
    pub directory: bool,
    #[serde(default)]
    pub modified_ns: Option<u64>,
    #[serde(default)]
    pub file_size: u64,
}

pub struct Api {
    pub client: Client,
}

fn url_of(rel: &Path, dir: bool) -> WebResult<String> {
    fs_url(rel, dir).ok_or_else(|| WebError::Path {
        path: rel.to_path_buf(),
        reason: "a name cpslim will not send to the board (empty, '.', '..' or a separator)".into(),
    })
}

impl Api {
    fn bad(&self, path: &str, reason: impl Into<String>) -> WebError {
        WebError::Bad {
            url: format!("{}{}", self.client.base_url(), path),
            reason: reason.into(),
        }
    }

    fn expect(&self, path: &str, r: &Reply, ok: &[u16]) -> WebResult<()> {
        if ok.contains(&r.status) {
            return Ok(());
        }
        let why = match r.status {
            404 => "not found (404)".to_string(),
            412 => "the destination exists (412)".to_string(),
            413 | 417 => "no room on the board (413)".to_string(),
            s => format!("the board answered {s}"),
        };
        Err(self.bad(path, why))
    }

    /// `/cp/version.json`; refuses boards older than web API 4.
    pub fn version(&self) -> WebResult<Version> {
        let path = "/cp/version.json";
        let r = self.client.send("GET", path, &[], None, ATTEMPTS)?;
        self.expect(path, &r, &[200])?;
        let v: Version = serde_json::from_slice(&r.body)
            .map_err(|e| self.bad(path, format!("not the board's version.json: {e}")))?;
        if v.web_api_version < 4 {
            return Err(WebError::OldApi {
                url: format!("{}{}", self.client.base_url(), path),
                found: v.web_api_version,
            });
        }
        Ok(v)
    }

    pub fn list(&self, dir: &Path) -> WebResult<Listing> {
        let path = url_of(dir, true)?;
        self.try_list(dir)?
            .ok_or_else(|| self.bad(&path, "not found (404)"))
    }

    /// A folder's listing; `None` when the folder does not exist.
    pub fn try_list(&self, dir: &Path) -> WebResult<Option<Listing>> {
        let path = url_of(dir, true)?;
        let accept = [("Accept", "application/json".to_string())];
        let r = self.client.send("GET", &path, &accept, None, ATTEMPTS)?;
        if r.status == 404 {
            return Ok(None);
        }
        self.expect(&path, &r, &[200])?;
        serde_json::from_slice(&r.body)
            .map(Some)
            .map_err(|e| self.bad(&path, format!("not a folder listing: {e}")))
    }

    pub fn get(&self, file: &Path) -> WebResult<Vec<u8>> {
        let path = url_of(file, false)?;
        let r = self.client.send("GET", &path, &[], None, ATTEMPTS)?;
        self.expect(&path, &r, &[200])?;
        Ok(r.body)
    }

    /// Upload; returns the status (201 or 204). Only ever aimed at a name nothing depends on.
    pub fn put(&self, file: &Path, bytes: &[u8], mtime_ms: Option<u64>) -> WebResult<u16> {
        let path = url_of(file, false)?;
        let mut headers = Vec::new();
        if let Some(ms) = mtime_ms {
            headers.push(("X-Timestamp", ms.to_string()));
        }
        let r = self
            .client
            .send("PUT", &path, &headers, Some(bytes), ATTEMPTS)?;
        self.expect(&path, &r, &[201, 204])?;
        Ok(r.status)
    }

    pub fn mkdir(&self, dir: &Path) -> WebResult<()> {
        let path = url_of(dir, true)?;
        let r = self.client.send("PUT", &path, &[], Some(b""), ATTEMPTS)?;
        self.expect(&path, &r, &[201, 204])
    }

    /// Delete a file, or a folder with everything in it. Not repeated: a second try after a
    /// lost answer would report 404 for a delete that worked.
    pub fn delete(&self, rel: &Path, dir: bool) -> WebResult<()> {
        let path = url_of(rel, dir)?;
        let r = self.client.send("DELETE", &path, &[], None, 1)?;
        self.expect(&path, &r, &[200, 204])
    }

    /// Rename; the board refuses (412) when `to` exists. `X-Destination` is always sent: the
    /// firmware reuses the previous request's value when it is missing.
    pub fn mv(&self, from: &Path, to: &Path) -> WebResult<()> {
        let path = url_of(from, false)?;
        let dest = url_of(to, false)?;
        let r = self
            .client
            .send("MOVE", &path, &[("X-Destination", dest)], None, 1)?;
        self.expect(&path, &r, &[200, 201, 204])
    }

    /// Whether a file exists (by listing its folder: the board has no HEAD).
    pub fn size_of(&self, file: &Path) -> WebResult<Option<u64>> {
        let parent = file.parent().unwrap_or(Path::new(""));
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let Some(l) = self.try_list(parent)? else {
            return Ok(None);
        };
        Ok(l.files
            .iter()
            .find(|f| !f.directory && f.name.eq_ignore_ascii_case(name))
            .map(|f| f.file_size))
    }
}
