"""Sign-in with the province's directory: LDAP/Active Directory and OpenID Connect, each optional."""
