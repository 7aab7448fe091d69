//! Dossier data from its source, the province's one-stop system: the field
//! table (our names and the national portal's), the mapping file, the readers
//! of exported files, and the import. Every way in ends in
//! [`crate::writer::dossier::apply`]; see docs/dossier-sources.md.

pub mod fields;
pub mod files;
pub mod import;
pub mod mapping;
pub mod pull;
pub mod record;
pub mod upstream;

pub use fields::{Field, Raw};
pub use mapping::Mapping;
pub use record::{Cell, Context, Problem, Unknown, map_row};
