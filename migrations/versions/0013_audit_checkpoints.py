"""secrets and the keyed history: outbox secrets kept apart (sealed_secret), signed checkpoints of each case's history

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-04 17:50:00.000000

The outbox's stored bodies lose the secrets they carried (access keys, confirmation and reset links): a sent or
failed message keeps "[secret: in the e-mail only]" in their place; a pending one keeps its secret apart, encrypted
with the key derived from SECRET_KEY (services/core/outbox.py), so that it can still be sent. The history's events
keep their unkeyed hashes here (the database does not hold AUDIT_KEY): `flask audit reseal`, run once after this
upgrade, signs them.
"""
import base64
import hashlib
import hmac
import re

from alembic import op
import sqlalchemy as sa
from cryptography.fernet import Fernet
from flask import current_app


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

PLACEHOLDER = "[secret: in the e-mail only]"
#: What each kind of message carried in the clear: an access key (three groups of four), or a one-time link.
SECRETS = {
    "complaint_receipt": re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b"),
    "email_verification": re.compile(r"\S+/akun/verifikasi/\S+"),
    "password_reset": re.compile(r"\S+/atur-kata-sandi/\S+"),
}

outbox = sa.table(
    'outbox_messages',
    sa.column('id', sa.Integer),
    sa.column('kind', sa.String),
    sa.column('status', sa.String),
    sa.column('body', sa.Text),
    sa.column('sealed_secret', sa.Text),
)


def _cipher() -> Fernet:
    # The same derivation as services/core/outbox.py at this revision.
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), b"outbox-secrets", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def upgrade():
    op.create_table('audit_checkpoints',
    sa.Column('complaint_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('signature', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('complaint_id', name=op.f('pk_audit_checkpoints'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sealed_secret', sa.Text(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_outbox_messages_secret_only_while_pending'), "status = 'pending' OR sealed_secret IS NULL"
        )
    _keep_secrets_apart()


def _keep_secrets_apart():
    conn = op.get_bind()
    rows = conn.execute(sa.select(outbox.c.id, outbox.c.kind, outbox.c.status, outbox.c.body).where(
        outbox.c.kind.in_(list(SECRETS))
    )).all()
    for row in rows:
        found = SECRETS[row.kind].search(row.body)
        if found is None:
            continue
        sealed = _cipher().encrypt(found.group(0).encode()).decode() if row.status == 'pending' else None
        conn.execute(
            outbox.update().where(outbox.c.id == row.id).values(
                body=SECRETS[row.kind].sub(PLACEHOLDER, row.body), sealed_secret=sealed
            )
        )


def downgrade():
    # Pending messages get their secret back in the body, where the code before this revision sends it from.
    conn = op.get_bind()
    pending = conn.execute(
        sa.select(outbox.c.id, outbox.c.body, outbox.c.sealed_secret).where(outbox.c.sealed_secret.is_not(None))
    ).all()
    for row in pending:
        secret = _cipher().decrypt(row.sealed_secret.encode()).decode()
        conn.execute(outbox.update().where(outbox.c.id == row.id).values(body=row.body.replace(PLACEHOLDER, secret)))
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_messages_secret_only_while_pending'), type_='check')
        batch_op.drop_column('sealed_secret')
    op.drop_table('audit_checkpoints')
