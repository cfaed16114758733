"""The transfer models, taken over from support_team (its migration 0007 renamed their tables
to `transfers_<model>` and moved their content types): created here in state only, since the
tables and their rows are already there. Then the three indexes still named after the old
table get the names this app gives them."""

import django.db.models.deletion
import simple_history.models
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('schoolwell', '0003_retention'),
        ('support_team', '0007_transfers_to_own_app'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalDistrictKeyPair',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('active', models.BooleanField(default=True)),
                        ('signing_public', models.CharField(help_text='Ed25519, base64', max_length=64)),
                        ('encryption_public', models.CharField(help_text='X25519, base64', max_length=64)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('district', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='schoolwell.district')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical district key pair',
                        'verbose_name_plural': 'historical district key pairs',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalPeerDistrict',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('identifier', models.CharField(help_text="The other district's id, as it writes it in its files", max_length=255)),
                        ('name', models.CharField(max_length=200)),
                        ('signing_public', models.CharField(help_text='Ed25519, base64', max_length=64)),
                        ('encryption_public', models.CharField(blank=True, help_text='X25519, base64; empty: passphrase mode', max_length=64)),
                        ('contact_email', models.EmailField(blank=True, max_length=254)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('district', models.ForeignKey(blank=True, db_constraint=False, help_text='Our district, which trusts these keys', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='schoolwell.district')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical peer district',
                        'verbose_name_plural': 'historical peer districts',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='PeerDistrict',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('identifier', models.CharField(help_text="The other district's id, as it writes it in its files", max_length=255)),
                        ('name', models.CharField(max_length=200)),
                        ('signing_public', models.CharField(help_text='Ed25519, base64', max_length=64)),
                        ('encryption_public', models.CharField(blank=True, help_text='X25519, base64; empty: passphrase mode', max_length=64)),
                        ('contact_email', models.EmailField(blank=True, max_length=254)),
                        ('district', models.ForeignKey(help_text='Our district, which trusts these keys', on_delete=django.db.models.deletion.CASCADE, related_name='transfer_peers', to='schoolwell.district')),
                    ],
                    options={
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalTransferPacket',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('uid', models.UUIDField(db_index=True, default=uuid.uuid4, editable=False)),
                        ('remote_uid', models.UUIDField(blank=True, editable=False, help_text="The sender's id of an imported packet", null=True)),
                        ('direction', models.CharField(choices=[('within', 'Within the district'), ('outgoing', 'To another district'), ('incoming', 'From another district')], default='within', max_length=10)),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('approved', 'Approved'), ('sent', 'Sent'), ('viewed', 'Viewed'), ('accepted', 'Accepted'), ('acknowledged', 'Acknowledged'), ('held', 'Imported, waiting for confirmation')], default='draft', max_length=15)),
                        ('urgent', models.BooleanField(default=False, help_text='McKinney-Vento: urgent both sides')),
                        ('sender_label', models.CharField(blank=True, help_text='Sending district and school of an import', max_length=300)),
                        ('excluded', models.JSONField(blank=True, default=list)),
                        ('note_level', models.CharField(blank=True, choices=[('', 'No case notes'), ('team', 'Team notes'), ('health', 'Team and health-only notes'), ('lead', 'All levels, lead-only included')], default='', max_length=10)),
                        ('consents', models.TextField(blank=True, help_text='Consents the family gave for sharing, one per line')),
                        ('content', models.JSONField(blank=True, null=True)),
                        ('passphrase_expires_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('approved_at', models.DateTimeField(blank=True, null=True)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('delivered_at', models.DateTimeField(blank=True, help_text="When it reached the receiving school's queue", null=True)),
                        ('viewed_at', models.DateTimeField(blank=True, null=True)),
                        ('accepted_at', models.DateTimeField(blank=True, null=True)),
                        ('acknowledged_at', models.DateTimeField(blank=True, null=True)),
                        ('acknowledged_label', models.CharField(blank=True, help_text="Who acknowledged, from another district's file", max_length=300)),
                        ('overdue_alerted_at', models.DateTimeField(blank=True, null=True)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('accepted_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('acknowledged_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('approved_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('from_school', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='schoolwell.school')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('intake', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='support_team.intake')),
                        ('sent_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('student', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='schoolwell.student')),
                        ('to_school', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='schoolwell.school')),
                        ('viewed_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('peer', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='transfers.peerdistrict')),
                    ],
                    options={
                        'verbose_name': 'historical transfer packet',
                        'verbose_name_plural': 'historical transfer packets',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='TransferPacket',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('uid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('remote_uid', models.UUIDField(blank=True, editable=False, help_text="The sender's id of an imported packet", null=True)),
                        ('direction', models.CharField(choices=[('within', 'Within the district'), ('outgoing', 'To another district'), ('incoming', 'From another district')], default='within', max_length=10)),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('approved', 'Approved'), ('sent', 'Sent'), ('viewed', 'Viewed'), ('accepted', 'Accepted'), ('acknowledged', 'Acknowledged'), ('held', 'Imported, waiting for confirmation')], default='draft', max_length=15)),
                        ('urgent', models.BooleanField(default=False, help_text='McKinney-Vento: urgent both sides')),
                        ('sender_label', models.CharField(blank=True, help_text='Sending district and school of an import', max_length=300)),
                        ('excluded', models.JSONField(blank=True, default=list)),
                        ('note_level', models.CharField(blank=True, choices=[('', 'No case notes'), ('team', 'Team notes'), ('health', 'Team and health-only notes'), ('lead', 'All levels, lead-only included')], default='', max_length=10)),
                        ('consents', models.TextField(blank=True, help_text='Consents the family gave for sharing, one per line')),
                        ('content', models.JSONField(blank=True, null=True)),
                        ('export_file', models.BinaryField(blank=True, null=True)),
                        ('passphrase_expires_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('approved_at', models.DateTimeField(blank=True, null=True)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('delivered_at', models.DateTimeField(blank=True, help_text="When it reached the receiving school's queue", null=True)),
                        ('viewed_at', models.DateTimeField(blank=True, null=True)),
                        ('accepted_at', models.DateTimeField(blank=True, null=True)),
                        ('acknowledged_at', models.DateTimeField(blank=True, null=True)),
                        ('acknowledged_label', models.CharField(blank=True, help_text="Who acknowledged, from another district's file", max_length=300)),
                        ('overdue_alerted_at', models.DateTimeField(blank=True, null=True)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('accepted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('acknowledged_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('from_school', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='packets_sent', to='schoolwell.school')),
                        ('included_notes', models.ManyToManyField(blank=True, related_name='+', to='support_team.note')),
                        ('intake', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='support_team.intake')),
                        ('peer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='packets', to='transfers.peerdistrict')),
                        ('sent_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('student', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='transfer_packets', to='schoolwell.student')),
                        ('to_school', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='packets_received', to='schoolwell.school')),
                        ('viewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['-urgent', '-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalTransferPacket_included_notes',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='transfers.historicaltransferpacket')),
                        ('note', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='support_team.note')),
                        ('transferpacket', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='transfers.transferpacket')),
                    ],
                    options={
                        'verbose_name': 'HistoricalTransferPacket_included_notes',
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='DistrictKeyPair',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('active', models.BooleanField(default=True)),
                        ('signing_public', models.CharField(help_text='Ed25519, base64', max_length=64)),
                        ('signing_private_encrypted', models.TextField(editable=False)),
                        ('encryption_public', models.CharField(help_text='X25519, base64', max_length=64)),
                        ('encryption_private_encrypted', models.TextField(editable=False)),
                        ('district', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='transfer_keys', to='schoolwell.district')),
                    ],
                    options={
                        'verbose_name': 'district key pair',
                        'constraints': [models.UniqueConstraint(condition=models.Q(('active', True)), fields=('district',), name='one_active_key_per_district')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='peerdistrict',
                    constraint=models.UniqueConstraint(fields=('district', 'identifier'), name='peer_once_per_district'),
                ),
                migrations.AddIndex(
                    model_name='transferpacket',
                    index=models.Index(fields=['from_school', 'status'], name='support_tea_from_sc_75149e_idx'),
                ),
                migrations.AddIndex(
                    model_name='transferpacket',
                    index=models.Index(fields=['to_school', 'status'], name='support_tea_to_scho_6365bc_idx'),
                ),
                migrations.AddIndex(
                    model_name='transferpacket',
                    index=models.Index(fields=['status', 'acknowledged_at'], name='support_tea_status_295045_idx'),
                ),
                migrations.AddConstraint(
                    model_name='transferpacket',
                    constraint=models.UniqueConstraint(condition=models.Q(('remote_uid__isnull', False)), fields=('remote_uid',), name='transfer_packet_imported_once'),
                ),
            ],
        ),
        migrations.RenameIndex(
            model_name='transferpacket',
            new_name='transfers_t_from_sc_f36c76_idx',
            old_name='support_tea_from_sc_75149e_idx',
        ),
        migrations.RenameIndex(
            model_name='transferpacket',
            new_name='transfers_t_to_scho_eacd49_idx',
            old_name='support_tea_to_scho_6365bc_idx',
        ),
        migrations.RenameIndex(
            model_name='transferpacket',
            new_name='transfers_t_status_79dc9c_idx',
            old_name='support_tea_status_295045_idx',
        ),
    ]
