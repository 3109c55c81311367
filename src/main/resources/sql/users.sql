-- The local user/group/company ids with the user plugin's object ids
SELECT id, externid, objectclass, company FROM users
