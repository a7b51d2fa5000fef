"""Backup and restore of an installation: ``flask portal backup <dir>`` / ``flask portal restore <dir>``.

A backup is a folder:

    manifest.json              what is in it, with the SHA-256 and size of every other file
    database.dump              PostgreSQL: pg_dump's custom format (or database.sqlite3: SQLite's backup API)
    store/<area>/<name>        every file of the file store (uploads, certificates, notices, audit archive)
    keys/certificate-sm2.json  the SM2 key that signs the electronic certificates
    keys/certificate-sm2-retired.json  the public keys retired by rotations, when there were any
    keys/secret_key            instance/secret_key, when the portal takes its SECRET_KEY from there

``restore`` checks every file against the manifest before it writes anything, and refuses a target that already
holds a database, files or a different key unless told to replace them. Modules: manifest (checksums),
database (dump and restore), content (the store and the keys), drill (the two operations).
"""
