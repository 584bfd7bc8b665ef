"""training delivery: enrolments, quiz attempts, completions, reminders

Revision ID: a41c2e7d9b10
Revises: bf3903990261
Create Date: 2026-11-27 21:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a41c2e7d9b10'
down_revision = 'bf3903990261'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('training_paths', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_training_paths_owner_id'), ['owner_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_training_paths_owner_id_users'), 'users', ['owner_id'], ['id'])

    op.create_table('enrolments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('path_id', sa.Integer(), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_enrolments_assigned_by_id_users')),
    sa.ForeignKeyConstraint(['path_id'], ['training_paths.id'], name=op.f('fk_enrolments_path_id_training_paths')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_enrolments_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolments')),
    sa.UniqueConstraint('user_id', 'path_id', name=op.f('uq_enrolments_user_id'))
    )
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolments_path_id'), ['path_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolments_user_id'), ['user_id'], unique=False)

    op.create_table('quiz_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('submission_key', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_attempts_user_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['module_versions.id'], name=op.f('fk_quiz_attempts_version_id_module_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempts')),
    sa.UniqueConstraint('user_id', 'submission_key', name=op.f('uq_quiz_attempts_user_id'))
    )
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_attempts_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_attempts_version_id'), ['version_id'], unique=False)

    op.create_table('module_completions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_module_completions_module_id_modules')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_module_completions_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_module_completions_user_id_users')),
    sa.ForeignKeyConstraint(['version_id'], ['module_versions.id'], name=op.f('fk_module_completions_version_id_module_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_module_completions')),
    sa.UniqueConstraint('user_id', 'version_id', name=op.f('uq_module_completions_user_id'))
    )
    with op.batch_alter_table('module_completions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_module_completions_module_id'), ['module_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_module_completions_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_module_completions_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_module_completions_version_id'), ['version_id'], unique=False)

    op.create_table('reminder_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_reminder_log_enrolment_id_enrolments')),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_reminder_log_module_id_modules')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_log')),
    sa.UniqueConstraint('enrolment_id', 'module_id', 'kind', name=op.f('uq_reminder_log_enrolment_id'))
    )
    with op.batch_alter_table('reminder_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_log_enrolment_id'), ['enrolment_id'], unique=False)


def downgrade():
    with op.batch_alter_table('reminder_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_log_enrolment_id'))
    op.drop_table('reminder_log')
    with op.batch_alter_table('module_completions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_module_completions_version_id'))
        batch_op.drop_index(batch_op.f('ix_module_completions_user_id'))
        batch_op.drop_index(batch_op.f('ix_module_completions_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_module_completions_module_id'))
    op.drop_table('module_completions')
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_attempts_version_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_attempts_user_id'))
    op.drop_table('quiz_attempts')
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolments_user_id'))
        batch_op.drop_index(batch_op.f('ix_enrolments_path_id'))
    op.drop_table('enrolments')
    with op.batch_alter_table('training_paths', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_training_paths_owner_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_training_paths_owner_id'))
        batch_op.drop_column('owner_id')
