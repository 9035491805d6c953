"""Labor cooperation between regions: agreements recorded by officials, partner jobs for seekers."""
