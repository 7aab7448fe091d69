//! The Một Cửa kiosk engine (Tauri-free). For now: printers.

pub mod printer;
