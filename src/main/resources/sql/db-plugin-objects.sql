-- Names and addresses from the db user plugin's directory (empty with LDAP / unix)
SELECT o.externid, o.objectclass, p.propname, CAST(p.value AS BINARY) AS value
FROM object AS o
JOIN objectproperty AS p ON p.objectid = o.id
WHERE p.propname IN ('loginname', 'emailaddress', 'fullname', 'groupname', 'companyname')
