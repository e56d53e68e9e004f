//! SPU spec and status (label "SPU"): where clients find each SPU.

crate::wire_struct! {
    pub struct SpuSpec {
        /// Clients find an SPU by this id (a partition's `leader`).
        pub id: i32,
        pub spu_type: SpuType,
        pub public_endpoint: IngressPort,
        pub private_endpoint: Endpoint,
        pub rack: Option<String>,
        pub public_endpoint_local: Option<Endpoint> [1, i16::MAX],
    }
}

impl SpuSpec {
    /// The `host:port` clients connect to: the first ingress address's
    /// hostname, else its ip, else the empty string (as the official client).
    pub fn public_address(&self) -> String {
        let host = self
            .public_endpoint
            .ingress
            .first()
            .and_then(|addr| addr.hostname.clone().or_else(|| addr.ip.clone()))
            .unwrap_or_default();
        format!("{host}:{}", self.public_endpoint.port)
    }
}

crate::wire_enum! {
    pub enum SpuType: u8 {
        Managed = 0,
        Custom = 1,
    }
    default Managed
}

crate::wire_struct! {
    pub struct IngressPort {
        pub port: u16,
        pub ingress: Vec<IngressAddr>,
        pub encryption: Encryption,
    }
}

crate::wire_struct! {
    pub struct IngressAddr {
        pub hostname: Option<String>,
        pub ip: Option<String>,
    }
}

crate::wire_struct! {
    pub struct Endpoint {
        pub port: u16,
        pub host: String,
        pub encryption: Encryption,
    }
}

crate::wire_enum! {
    pub enum Encryption: u8 {
        Plaintext = 0,
        Ssl = 1,
    }
    default Plaintext
}

crate::wire_struct! {
    pub struct SpuStatus {
        pub resolution: SpuStatusResolution,
    }
}

crate::wire_enum! {
    pub enum SpuStatusResolution: u8 {
        Online = 0,
        Offline = 1,
        Init = 2,
    }
    default Init
}
