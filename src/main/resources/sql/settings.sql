-- Server-wide settings (server_guid, attachment_storage, charset)
SELECT name, value FROM settings
