//! What every handler can reach.

use std::sync::Arc;

use crate::access::live_tokens::LiveTokens;
use crate::access::schemas::LiveSchemas;
use crate::access::sync_health::SyncHealth;
use crate::clock::Clock;
use crate::config::Settings;
use crate::scim::schema::SchemaRegistry;
use crate::store::SharedStore;

use super::draining::Draining;
use super::kept_documents::KeptDocuments;
use super::limiter::RequestLimiter;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: SharedStore,
    /// The schemas in force (built-in, registered, and kept attributes).
    pub schemas: Arc<LiveSchemas>,
    /// What each directory's requests saw, on its way to the database.
    pub sync: Arc<SyncHealth>,
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
    /// Per-credential rate limits, when `settings.rate_limit` sets one.
    pub limiter: Option<Arc<RequestLimiter>>,
    /// Directory tokens found live a moment ago (`access::live_tokens`).
    pub live_tokens: Arc<LiveTokens>,
    /// Set at SIGTERM: connections close after their current response.
    pub draining: Arc<Draining>,
    /// The OIDC provider's discovery document, kept between sign-in
    /// starts (`console::oidc`).
    pub oidc_documents: Arc<KeptDocuments<openidconnect::core::CoreProviderMetadata>>,
}

impl AppState {
    /// The schema snapshot a request works on.
    pub fn registry(&self) -> Arc<SchemaRegistry> {
        self.schemas.current()
    }
}
