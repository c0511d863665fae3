/**
 * Schema v1: every piece of the control plane's state (docs/control-plane-postgres.md "Schema").
 *
 * Each aggregate keeps its record as `jsonb` in the shape the embedded files have (validated by the
 * same zod schemas on the way in and out: one contract, two backends), and lifts into real columns
 * what the database itself must enforce or search by. The rules that make "once" hold whatever the
 * number of nodes are constraints here, not reads in the code:
 *  - a heartbeat's sequence is counted once: PRIMARY KEY (appliance_id, seq) on heartbeats;
 *  - an enrollment code is used once: its row is claimed by `UPDATE … WHERE used_at IS NULL`;
 *  - a month is closed once: PRIMARY KEY (month) on billing_months;
 *  - invoice and credit-note numbers are gapless and unique (art. 242 nonies A, I-7° annexe II
 *    CGI, domain/billing/documentNumbers.ts): one row per series and year in
 *    document_numbers, incremented inside the transaction that inserts the document (the row lock
 *    queues a second close), and UNIQUE numbers on the documents;
 *  - one invoice per cabinet and month: UNIQUE (month, cabinet_id);
 *  - a payment's bank reference is recorded once per invoice; a relance step is sent once;
 *  - scheduled work (fleet checks, relances, retention) runs on one node: a lease row per job.
 * Timestamps the domain compares stay ISO strings inside the records (as in the files); the
 * columns that order or expire rows are timestamptz.
 */
export const V001_SCHEMA = `
CREATE TABLE plans (
  id text PRIMARY KEY,
  record jsonb NOT NULL
);

CREATE TABLE cabinets (
  id text PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('active', 'suspended', 'cancelled')),
  license_revision integer NOT NULL CHECK (license_revision >= 1),
  -- The cabinet's current appliance (the record's applianceId), set at enrollment.
  appliance_id text,
  -- Everything else of the cabinet (name, contact, plan, overrides); plan history and enrollment
  -- codes are the tables below, put back into the record by the store.
  record jsonb NOT NULL
);

CREATE TABLE cabinet_plan_history (
  cabinet_id text NOT NULL REFERENCES cabinets (id),
  position integer NOT NULL CHECK (position >= 0),
  effective_at timestamptz NOT NULL,
  record jsonb NOT NULL,
  PRIMARY KEY (cabinet_id, position)
);

CREATE TABLE enrollment_codes (
  hash text PRIMARY KEY,
  cabinet_id text NOT NULL REFERENCES cabinets (id),
  issued_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  appliance_id text,
  superseded_at timestamptz,
  CHECK ((used_at IS NULL) = (appliance_id IS NULL))
);
CREATE INDEX enrollment_codes_cabinet ON enrollment_codes (cabinet_id, issued_at);

CREATE TABLE appliances (
  id text PRIMARY KEY,
  cabinet_id text NOT NULL REFERENCES cabinets (id),
  -- The highest sequence accepted: a heartbeat is accepted only above it (checked under the row lock).
  last_seq bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
  last_heartbeat_at timestamptz,
  revoked_at timestamptz,
  -- The appliance record (key, license, health, months with their signed evidence, history rings).
  record jsonb NOT NULL
);
CREATE INDEX appliances_cabinet ON appliances (cabinet_id);

-- The heartbeat journal's job: a heartbeat (or usage report) is acknowledged once this row and the
-- appliance's new state are committed together.
CREATE TABLE heartbeats (
  appliance_id text NOT NULL REFERENCES appliances (id),
  seq bigint NOT NULL CHECK (seq >= 1),
  received_at timestamptz NOT NULL,
  usage_report boolean NOT NULL DEFAULT false,
  jws text NOT NULL,
  PRIMARY KEY (appliance_id, seq)
);
CREATE INDEX heartbeats_received ON heartbeats (received_at);

CREATE TABLE fleet_alerts_current (
  appliance_id text PRIMARY KEY REFERENCES appliances (id),
  record jsonb NOT NULL
);

CREATE TABLE fleet_alert_transitions (
  id bigserial PRIMARY KEY,
  appliance_id text NOT NULL,
  cabinet_id text NOT NULL,
  at timestamptz NOT NULL,
  record jsonb NOT NULL
);
CREATE INDEX fleet_alert_transitions_at ON fleet_alert_transitions (at);

CREATE TABLE billing_months (
  month text PRIMARY KEY CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  closed_at timestamptz NOT NULL,
  -- closedBy, issueDate, vendor, warnings: the month file less its invoices and held drafts.
  record jsonb NOT NULL
);

-- Last number used per series ("F" invoices, "A" credit notes) and year of issue.
CREATE TABLE document_numbers (
  series text NOT NULL CHECK (series IN ('F', 'A')),
  year integer NOT NULL CHECK (year BETWEEN 2000 AND 9999),
  last_number integer NOT NULL CHECK (last_number >= 0),
  PRIMARY KEY (series, year)
);

-- When the latest document was issued: a clock set back on any node cannot issue one dated before.
CREATE TABLE billing_clock (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_issued_at timestamptz NOT NULL
);

CREATE TABLE invoices (
  number text PRIMARY KEY,
  series_year integer NOT NULL,
  series_number integer NOT NULL CHECK (series_number >= 1),
  month text NOT NULL REFERENCES billing_months (month),
  cabinet_id text NOT NULL REFERENCES cabinets (id),
  issued_at timestamptz NOT NULL,
  -- Set when a held draft was approved: the invoice was issued then, by this admin.
  approved_by text,
  record jsonb NOT NULL,
  UNIQUE (series_year, series_number),
  UNIQUE (month, cabinet_id)
);

CREATE TABLE held_invoices (
  month text NOT NULL REFERENCES billing_months (month),
  cabinet_id text NOT NULL REFERENCES cabinets (id),
  -- approved: an invoice row now exists; rejected: see rejections.
  decided text CHECK (decided IN ('approved', 'rejected')),
  record jsonb NOT NULL,
  PRIMARY KEY (month, cabinet_id)
);

CREATE TABLE rejections (
  month text NOT NULL,
  cabinet_id text NOT NULL,
  record jsonb NOT NULL,
  PRIMARY KEY (month, cabinet_id),
  FOREIGN KEY (month, cabinet_id) REFERENCES held_invoices (month, cabinet_id)
);

CREATE TABLE credit_notes (
  number text PRIMARY KEY,
  series_year integer NOT NULL,
  series_number integer NOT NULL CHECK (series_number >= 1),
  invoice_number text NOT NULL REFERENCES invoices (number),
  issued_at timestamptz NOT NULL,
  record jsonb NOT NULL,
  UNIQUE (series_year, series_number)
);
CREATE INDEX credit_notes_invoice ON credit_notes (invoice_number);

CREATE TABLE payments (
  id text PRIMARY KEY,
  invoice_number text NOT NULL REFERENCES invoices (number),
  reference text,
  record jsonb NOT NULL
);
-- A bank line recorded twice (two imports of one statement on two nodes) is refused by the database.
CREATE UNIQUE INDEX payments_reference ON payments (invoice_number, reference) WHERE reference IS NOT NULL;

CREATE TABLE relances (
  invoice_number text NOT NULL REFERENCES invoices (number),
  step text NOT NULL CHECK (step IN ('reminder', 'second_reminder', 'final_notice')),
  record jsonb NOT NULL,
  PRIMARY KEY (invoice_number, step)
);

CREATE TABLE admins (
  id text PRIMARY KEY,
  email text NOT NULL,
  -- Password hash, role, session epoch, disabled/changed dates (tokens are the table below).
  record jsonb NOT NULL
);
CREATE UNIQUE INDEX admins_email ON admins (lower(email));

CREATE TABLE api_tokens (
  id text PRIMARY KEY,
  admin_id text NOT NULL REFERENCES admins (id),
  -- SHA-256 of the token: a copy of the database yields no usable token.
  hash text NOT NULL UNIQUE,
  record jsonb NOT NULL
);

-- The secret that signs dashboard session cookies: one for every node, so a session works on any.
CREATE TABLE dashboard_session_secret (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  secret text NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE TABLE vendor_keys (
  kid text PRIMARY KEY,
  -- Rotation order: the newest key signs, the last ones are published.
  added bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  created_at timestamptz NOT NULL,
  public_jwk jsonb NOT NULL,
  -- PKCS#8 PEM, as keys/KID.pem holds it in DATA_DIR (readable by whoever can read the database).
  private_pem text NOT NULL
);

CREATE TABLE upgrade_requests (
  -- The request's nonce (jti): a replay is refused by the primary key.
  id text PRIMARY KEY,
  appliance_id text NOT NULL,
  cabinet_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'handled')),
  record jsonb NOT NULL
);

CREATE TABLE support_bundles (
  id uuid PRIMARY KEY,
  cabinet_id text NOT NULL,
  appliance_id text NOT NULL,
  expires_at timestamptz NOT NULL,
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  record jsonb NOT NULL,
  content bytea NOT NULL
);
CREATE INDEX support_bundles_expiry ON support_bundles (expires_at);

-- Scheduled work (fleet checks, relances, retention) runs on the node holding the job's lease:
-- taken or renewed with one conditional upsert, so two nodes never both hold it.
CREATE TABLE job_leases (
  job text PRIMARY KEY,
  holder text NOT NULL,
  expires_at timestamptz NOT NULL
);
`;
