//! Windows: ask the volume (drive letter or mounted folder) that holds a path.

use std::ffi::OsStr;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::os::windows::fs::OpenOptionsExt;
use std::os::windows::io::AsRawHandle;
use std::path::{Path, PathBuf};

use windows_sys::Win32::Foundation::HANDLE;
use windows_sys::Win32::Storage::FileSystem::{
    FileAttributeTagInfo, FlushFileBuffers, GetDiskFreeSpaceExW, GetDiskFreeSpaceW,
    GetFileInformationByHandleEx, GetVolumeInformationW, GetVolumePathNameW,
    FILE_ATTRIBUTE_REPARSE_POINT, FILE_ATTRIBUTE_TAG_INFO, FILE_FLAG_OPEN_REPARSE_POINT,
};
use windows_sys::Win32::System::SystemServices::FILE_READ_ONLY_VOLUME;

use super::VolumeInfo;

/// Reparse tags with this bit name another file (symbolic links, junctions): those are links.
/// Others (OneDrive placeholders, deduplicated files) are the file's own data.
const NAME_SURROGATE_BIT: u32 = 0x2000_0000;

fn wide(s: &OsStr) -> Vec<u16> {
    s.encode_wide().chain(std::iter::once(0)).collect()
}

/// The root of the volume holding `path` (`D:\`, or a folder a volume is mounted on).
fn volume_root(path: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(path).ok()?;
    let name = wide(abs.as_os_str());
    let mut buf = vec![0u16; name.len().max(261) + 1];
    // SAFETY: `name` is NUL-terminated; `buf` is writable for the length we pass.
    let ok = unsafe { GetVolumePathNameW(name.as_ptr(), buf.as_mut_ptr(), buf.len() as u32) };
    if ok == 0 {
        return None;
    }
    let len = buf.iter().position(|&c| c == 0).unwrap_or(buf.len());
    Some(PathBuf::from(String::from_utf16_lossy(&buf[..len])))
}

pub(super) fn volume_info(path: &Path) -> Option<VolumeInfo> {
    let root = volume_root(path)?;
    let root_w = wide(root.as_os_str());
    let (mut sectors, mut bytes, mut free_clusters, mut total_clusters) = (0u32, 0u32, 0u32, 0u32);
    // SAFETY: `root_w` is NUL-terminated; the out-parameters are valid u32s.
    let ok = unsafe {
        GetDiskFreeSpaceW(
            root_w.as_ptr(),
            &mut sectors,
            &mut bytes,
            &mut free_clusters,
            &mut total_clusters,
        )
    };
    if ok == 0 {
        return None;
    }
    let cluster = u64::from(sectors) * u64::from(bytes);
    // Free space for this user (quotas included), which the cluster counts above ignore.
    let mut available = 0u64;
    // SAFETY: `root_w` is NUL-terminated; null out-pointers are allowed for unwanted values.
    let ok = unsafe {
        GetDiskFreeSpaceExW(
            root_w.as_ptr(),
            &mut available,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
    };
    if ok == 0 {
        available = u64::from(free_clusters) * cluster;
    }
    let mut flags = 0u32;
    // SAFETY: `root_w` is NUL-terminated; the name buffers are null with size 0, as allowed.
    let ok = unsafe {
        GetVolumeInformationW(
            root_w.as_ptr(),
            std::ptr::null_mut(),
            0,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut flags,
            std::ptr::null_mut(),
            0,
        )
    };
    Some(VolumeInfo {
        cluster,
        available,
        read_only: ok != 0 && flags & FILE_READ_ONLY_VOLUME != 0,
    })
}

/// A path is a volume's root when the volume path Windows reports for it is the path itself.
pub(super) fn is_mount_point(path: &Path) -> bool {
    let (Ok(abs), Some(root)) = (std::path::absolute(path), volume_root(path)) else {
        return false;
    };
    let trim = |p: &Path| {
        p.to_string_lossy()
            .trim_end_matches(['\\', '/'])
            .to_lowercase()
    };
    trim(&abs) == trim(&root)
}

/// Open the reparse point itself rather than its target, and refuse it when it is a link.
pub(super) fn open_nofollow(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT)
        .open(path)?;
    let mut info = FILE_ATTRIBUTE_TAG_INFO {
        FileAttributes: 0,
        ReparseTag: 0,
    };
    // SAFETY: the handle is open for the lifetime of `file`; `info` is the struct this class fills.
    let ok = unsafe {
        GetFileInformationByHandleEx(
            file.as_raw_handle() as HANDLE,
            FileAttributeTagInfo,
            (&mut info as *mut FILE_ATTRIBUTE_TAG_INFO).cast(),
            std::mem::size_of::<FILE_ATTRIBUTE_TAG_INFO>() as u32,
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    if info.FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT == 0 {
        return Ok(file);
    }
    if info.ReparseTag & NAME_SURROGATE_BIT != 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "is a symbolic link or junction; cpslim never follows links",
        ));
    }
    // A placeholder or deduplicated file: open it normally so its data is read.
    File::open(path)
}

pub(super) fn flush_durable(file: &File) -> io::Result<()> {
    // SAFETY: the handle is open for the lifetime of `file`.
    if unsafe { FlushFileBuffers(file.as_raw_handle() as HANDLE) } == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Windows makes a folder's entries durable with the volume's metadata; a folder cannot be
/// flushed on its own, and removable FAT drives are written through by default.
pub(super) fn sync_dir(_dir: &Path) {}

/// Flushing a whole volume needs administrator rights on Windows; each written file is already
/// flushed by [`flush_durable`] and deletions on removable drives are written through, so free
/// space read afterwards is current.
pub(super) fn sync_all_volumes() {}
